// What the breadcrumbs show beyond the route: names the screens learn from the API as they load.
import { reactive } from 'vue'

export const crumbState = reactive<{ region: string | null; village: string | null; villageName: string | null; householdLabel: string | null }>({
  region: null, village: null, villageName: null, householdLabel: null,
})

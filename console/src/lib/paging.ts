// Cursor paging as the API does it: the next page's cursor comes with each page; going back re-reads a kept cursor.
import { ref, shallowRef, type Ref } from 'vue'
import { ApiError } from '../api/client'

export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export function useCursorPages<T>(load: (cursor: string | null) => Promise<Page<T>>) {
  const items: Ref<T[]> = shallowRef([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  const cursors = ref<(string | null)[]>([null])
  const index = ref(0)
  const next = ref<string | null>(null)

  async function fetchAt(i: number): Promise<void> {
    loading.value = true
    error.value = null
    try {
      const page = await load(cursors.value[i] ?? null)
      items.value = page.items
      next.value = page.next_cursor ?? null
      index.value = i
    } catch (e) {
      error.value = e instanceof ApiError ? e.problem.text : String(e)
      items.value = []
    } finally {
      loading.value = false
    }
  }

  return {
    items, loading, error, index, hasNext: () => !!next.value, hasPrev: () => index.value > 0,
    reload: () => { cursors.value = [null]; return fetchAt(0) },
    nextPage: () => { cursors.value[index.value + 1] = next.value; return fetchAt(index.value + 1) },
    prevPage: () => fetchAt(Math.max(0, index.value - 1)),
  }
}

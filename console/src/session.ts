// Who is signed in: the bearer token and the role and region it carries. Kept for the browser tab only.
import { reactive } from 'vue'

export type Role =
  | 'city_admin' | 'county_officer' | 'township_officer' | 'village_cadre' | 'entity_operator' | 'trainer' | 'auditor'

export interface Session {
  token: string | null
  role: Role | null
  scope: string | null
  subject: string | null
  name: string | null
}

const KEY = 'fupin.session'

function restore(): Session {
  try {
    const raw = sessionStorage.getItem(KEY)
    if (raw) return JSON.parse(raw) as Session
  } catch {
    /* no storage */
  }
  return { token: null, role: null, scope: null, subject: null, name: null }
}

export const session = reactive<Session>(restore())

export function signIn(s: Session): void {
  Object.assign(session, s)
  sessionStorage.setItem(KEY, JSON.stringify(s))
}

export function signOut(): void {
  Object.assign(session, { token: null, role: null, scope: null, subject: null, name: null })
  sessionStorage.removeItem(KEY)
}

// Which actions and screens a role is offered. The API decides (403 otherwise); this only hides
// what would certainly be refused, mirroring the routes' require_roles.
const REGIONAL: Role[] = ['city_admin', 'county_officer', 'township_officer', 'village_cadre']
export const CAN: Record<string, Role[]> = {
  overview: ['city_admin', 'county_officer', 'township_officer', 'auditor'],
  villages: [...REGIONAL, 'auditor', 'trainer'],
  funds: [...REGIONAL, 'entity_operator', 'auditor'],
  proposeDistribution: [...REGIONAL, 'entity_operator'],
  approveDistribution: REGIONAL,
  import: REGIONAL,
  correctHousehold: REGIONAL,
  audit: ['city_admin', 'auditor'],
}

export function can(action: keyof typeof CAN | string): boolean {
  return !!session.role && (CAN[action] ?? []).includes(session.role)
}

/** The region a role looks at first: its own scope, or the city (4402) for city-wide roles. */
export function homeRegion(): string {
  return session.scope && /^\d+$/.test(session.scope) ? session.scope : '4402'
}

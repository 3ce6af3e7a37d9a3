// One typed client over the generated OpenAPI types: bearer token, language, Idempotency-Key on every write,
// each service at its configured address, and problem details turned into ApiError.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { config } from '../config'
import { session } from '../session'
import { describeProblem, type ProblemMessage } from '../lib/problem'
import { i18n } from '../i18n'

export class ApiError extends Error {
  constructor(public readonly problem: ProblemMessage, public readonly body: unknown) {
    super(problem.text)
  }
}

/** Requests made since the page loaded; the browser tests read it to count calls per screen. */
export const requestLog: string[] = []
;(globalThis as unknown as { __fupinRequests: string[] }).__fupinRequests = requestLog

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export function newIdempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`
}

const lastKeys = new Map<string, string>()
/**
 * The Idempotency-Key for submitting this body to this action: the same again when a person retries
 * the same submission (a lost answer never books twice), a fresh one once the body differs.
 */
export function idempotencyKeyFor(action: string, body: unknown): string {
  const fingerprint = `${action}\n${JSON.stringify(body)}`
  let key = lastKeys.get(fingerprint)
  if (!key) {
    key = newIdempotencyKey()
    lastKeys.clear()
    lastKeys.set(fingerprint, key)
  }
  return key
}

export function serviceUrl(url: string): string {
  const u = new URL(url, location.origin)
  const service = u.pathname.split('/')[1] ?? ''
  const base = config.api[service]
  return base ? `${base.replace(/\/$/, '')}${u.pathname}${u.search}` : u.toString()
}

export function authHeaders(): Record<string, string> {
  const h: Record<string, string> = { 'Accept-Language': i18n.global.locale.value === 'en' ? 'en' : 'zh-CN' }
  if (session.token) h.Authorization = `Bearer ${session.token}`
  return h
}

/**
 * The ETag each resource's last GET answered, by path: an update of the resource sends it back as If-Match
 * (the API refuses a PATCH without one, 428, and an update of a version someone changed since, 412).
 */
export const etags = new Map<string, string>()

function pathOf(url: string): string {
  return new URL(url, 'http://console.invalid').pathname // request URLs are absolute; the base only parses a bare path
}

const middleware: Middleware = {
  async onRequest({ request }) {
    for (const [k, v] of Object.entries(authHeaders())) request.headers.set(k, v)
    if (WRITES.has(request.method) && !request.headers.has('Idempotency-Key')) request.headers.set('Idempotency-Key', newIdempotencyKey())
    const known = etags.get(pathOf(request.url))
    if (request.method !== 'GET' && known && !request.headers.get('If-Match')) request.headers.set('If-Match', known)
    const url = serviceUrl(request.url)
    requestLog.push(`${request.method} ${new URL(url).pathname}`)
    if (url === request.url) return request
    // Another origin (distributed mode): a buffered body, since browsers stream request bodies only over HTTP/2.
    const body = WRITES.has(request.method) ? await request.arrayBuffer() : undefined
    return new Request(url, { method: request.method, headers: request.headers, body, signal: request.signal })
  },
  async onResponse({ request, response }) {
    // The version the caller now holds: a GET's tag, or the tag an update answers for the new version.
    const tag = response.headers.get('ETag')
    if (tag && response.ok) etags.set(pathOf(request.url), tag)
    return response
  },
}

// fetch is looked up per call, so a test (or a polyfill) installed after this module loads is used.
export const api = createClient<paths>({ baseUrl: location.origin, fetch: (request: Request) => globalThis.fetch(request) })
api.use(middleware)

type Result<T> = { data?: T; error?: unknown; response: Response }

/** The data of a successful call, or an ApiError carrying the problem the API answered. */
export async function ok<T>(call: Promise<Result<T>>): Promise<T> {
  let r: Result<T>
  try {
    r = await call
  } catch (e) {
    throw new ApiError(describeProblem({ title: i18n.global.t('error.network'), detail: String(e) }, 0), null)
  }
  if (r.error !== undefined || !r.response.ok) {
    if (r.response.status === 401) {
      const { signOut } = await import('../session')
      signOut()
    }
    throw new ApiError(describeProblem(r.error, r.response.status, i18n.global.t('error.failed')), r.error)
  }
  return r.data as T
}

/** A plain fetch through the same headers (streams, file uploads). */
export async function rawFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  for (const [k, v] of Object.entries(authHeaders())) headers.set(k, v)
  if (WRITES.has((init.method ?? 'GET').toUpperCase()) && !headers.has('Idempotency-Key')) headers.set('Idempotency-Key', newIdempotencyKey())
  const url = serviceUrl(path)
  requestLog.push(`${init.method ?? 'GET'} ${new URL(url).pathname}`)
  const r = await fetch(url, { ...init, headers })
  if (!r.ok) {
    const body = await r.json().catch(() => null)
    throw new ApiError(describeProblem(body, r.status, i18n.global.t('error.failed')), body)
  }
  return r
}

/** Run calls with at most `limit` in flight (screens that need a call per row stay polite). */
export async function bounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i] as T)
    }
  })
  await Promise.all(workers)
  return out
}

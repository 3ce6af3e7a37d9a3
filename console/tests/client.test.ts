import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'

// The client module reads location at import (its base URL); give it the console's origin.
beforeAll(() => {
  vi.stubGlobal('location', new URL('http://console.test/'))
})
afterEach(() => vi.unstubAllGlobals())

async function load() {
  const client = await import('../src/api/client')
  const { config } = await import('../src/config')
  const { session } = await import('../src/session')
  return { ...client, config, session }
}

function capture(status = 201, body: unknown = { id: 'd1' }) {
  const seen: Request[] = []
  vi.stubGlobal('location', new URL('http://console.test/'))
  vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
    seen.push(req)
    const type = status >= 400 ? 'application/problem+json' : 'application/json'
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } })
  }))
  return seen
}

describe('typed client', () => {
  it('sends the bearer token, the language and an Idempotency-Key on every write, a fresh one each time', async () => {
    const { api, session } = await load()
    session.token = 'tok'
    const seen = capture()
    const body = { project_id: 'p', period: '2026', total_fen: 100, paid_on: '2026-12-31' }
    // The OpenAPI requires the header on money writes; the middleware adds one wherever a call has none.
    const untyped = api as unknown as { POST: (path: string, init: object) => Promise<unknown> }
    await untyped.POST('/funds/v1/distributions', { body })
    await untyped.POST('/funds/v1/distributions', { body })
    await api.GET('/funds/v1/distributions', {})
    expect(seen[0]!.headers.get('Authorization')).toBe('Bearer tok')
    expect(seen[0]!.headers.get('Accept-Language')).toBe('zh-CN')
    const keys = seen.slice(0, 2).map((r) => r.headers.get('Idempotency-Key'))
    expect(keys[0]).toBeTruthy()
    expect(keys[0]).not.toBe(keys[1])
    expect(seen[2]!.headers.get('Idempotency-Key')).toBeNull()
  })

  it('calls each service at its configured address (distributed mode) and keeps the body', async () => {
    const { api, config } = await load()
    config.api = { funds: 'http://127.0.0.1:8001' }
    const seen = capture()
    await api.POST('/funds/v1/distributions', { params: { header: { 'Idempotency-Key': 'k1' } }, body: { project_id: 'p', period: '2026', total_fen: 100, paid_on: '2026-12-31' } })
    config.api = {}
    expect(seen[0]!.url).toBe('http://127.0.0.1:8001/funds/v1/distributions')
    expect(await seen[0]!.json()).toMatchObject({ total_fen: 100 })
  })

  it('turns a problem answer into an ApiError naming the rule', async () => {
    const { api, ok, ApiError } = await load()
    capture(422, { title: '违反政策规定', status: 422, code: 'rule_violation', rule: 'R9', field: 'poor_households_fen', detail: '贫困户所得须不低于 60%' })
    const call = ok(api.POST('/funds/v1/distributions', { params: { header: { 'Idempotency-Key': 'k2' } }, body: { project_id: 'p', period: '2026', total_fen: 100, poor_households_fen: 1, paid_on: '2026-12-31' } }))
    await expect(call).rejects.toBeInstanceOf(ApiError)
    await expect(call).rejects.toMatchObject({ problem: { rule: 'R9', fields: { poor_households_fen: '贫困户所得须不低于 60%' } } })
  })

  it('keeps the Idempotency-Key of a retried submission and changes it when the body changes', async () => {
    const { idempotencyKeyFor } = await load()
    const first = idempotencyKeyFor('propose', { total_fen: 100 })
    expect(idempotencyKeyFor('propose', { total_fen: 100 })).toBe(first)
    expect(idempotencyKeyFor('propose', { total_fen: 200 })).not.toBe(first)
  })

  it('bounds the calls in flight', async () => {
    const { bounded } = await load()
    let inFlight = 0
    let peak = 0
    const out = await bounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((r) => setTimeout(r, 5))
      inFlight--
      return n * 2
    })
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14])
    expect(peak).toBe(3)
  })

  it('sends the ETag of the last GET (or update) of a resource as If-Match on its update', async () => {
    const { api } = await load()
    vi.stubGlobal('location', new URL('http://console.test/'))
    const seen: Request[] = []
    let version = 1
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      seen.push(req)
      return new Response(JSON.stringify({ id: 'h1' }), { status: 200, headers: { 'Content-Type': 'application/json', ETag: `"v${version++}"` } })
    }))
    const untyped = api as unknown as Record<'GET' | 'PATCH', (path: string, init: object) => Promise<unknown>>
    await untyped.GET('/households/v1/households/h1', {})
    await untyped.PATCH('/households/v1/households/h1', { body: { address: 'a' } })
    await untyped.PATCH('/households/v1/households/h1', { body: { address: 'b' } })
    await untyped.PATCH('/households/v1/households/h2', { body: { address: 'c' } })
    expect(seen[0]!.headers.get('If-Match')).toBeNull()
    expect(seen[1]!.headers.get('If-Match')).toBe('"v1"')
    expect(seen[2]!.headers.get('If-Match')).toBe('"v2"') // the first update answered the new version's tag
    expect(seen[3]!.headers.get('If-Match')).toBeNull() // never read: nothing to send
  })
})

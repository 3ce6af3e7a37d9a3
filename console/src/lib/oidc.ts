// Production sign-in: OpenID Connect authorization code flow with PKCE (RFC 7636), against the identity
// provider that issues the platform's RS256 tokens. Endpoints and client id come from /console/config.json.
import { config } from '../config'

function base64url(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function randomVerifier(): string {
  const bytes = new Uint8Array(32)
  crypto.getRandomValues(bytes)
  return base64url(bytes)
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return base64url(new Uint8Array(digest))
}

export async function startOidc(next: string): Promise<void> {
  const oidc = config.oidc
  if (!oidc) throw new Error('OIDC is not configured')
  const verifier = randomVerifier()
  const state = randomVerifier()
  sessionStorage.setItem('fupin.pkce', JSON.stringify({ verifier, state, next }))
  const url = new URL(oidc.authorization_endpoint)
  url.search = new URLSearchParams({
    response_type: 'code', client_id: oidc.client_id, redirect_uri: `${location.origin}/signin`, scope: oidc.scope ?? 'openid',
    state, code_challenge: await challengeOf(verifier), code_challenge_method: 'S256',
  }).toString()
  location.assign(url.toString())
}

/** Back from the provider with ?code&state: the access token, or null when this is not a callback. */
export async function finishOidc(params: URLSearchParams): Promise<{ token: string; next: string } | null> {
  const code = params.get('code')
  const saved = sessionStorage.getItem('fupin.pkce')
  if (!code || !saved || !config.oidc) return null
  const { verifier, state, next } = JSON.parse(saved) as { verifier: string; state: string; next: string }
  sessionStorage.removeItem('fupin.pkce')
  if (params.get('state') !== state) throw new Error('state mismatch')
  const r = await fetch(config.oidc.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${location.origin}/signin`, client_id: config.oidc.client_id, code_verifier: verifier }),
  })
  if (!r.ok) throw new Error(`token endpoint answered ${r.status}`)
  const body = (await r.json()) as { access_token: string }
  return { token: body.access_token, next }
}

/** The claims of a JWT, unverified (the API verifies; the console only reads role and scope to show them). */
export function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? ''
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'))
  return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>
}

// Runtime configuration served by the platform (/console/config.json): where each service answers, sign-in mode.
export interface ConsoleConfig {
  api: Record<string, string>
  env: string
  dev_sign_in: boolean
  oidc: null | { authorization_endpoint: string; token_endpoint: string; client_id: string; scope?: string }
}

export const config: ConsoleConfig = { api: {}, env: 'development', dev_sign_in: true, oidc: null }

export async function loadConfig(): Promise<void> {
  try {
    const r = await fetch('/console/config.json', { headers: { Accept: 'application/json' } })
    if (r.ok) Object.assign(config, await r.json())
  } catch {
    // Served without the platform (vite preview): same origin, development sign-in.
  }
}

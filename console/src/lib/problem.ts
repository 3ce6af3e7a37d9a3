// RFC 9457 problem details from the API → what a person reads: the title, the detail, the rule broken, the field.

export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  rule?: string | null
  field?: string | null
  errors?: Array<{ field?: string; loc?: unknown[]; msg?: string; message?: string; detail?: string }>
  [key: string]: unknown
}

export interface ProblemMessage {
  /** One line: "[R9] 不符合政策规则：……" */
  text: string
  title: string
  detail: string | null
  rule: string | null
  /** JSON path of each offending field → its message, for highlighting form items. */
  fields: Record<string, string>
  status: number
}

export function isProblem(body: unknown): body is Problem {
  return typeof body === 'object' && body !== null && ('title' in body || 'detail' in body || 'code' in body)
}

export function describeProblem(body: unknown, status: number, fallback = '请求失败'): ProblemMessage {
  const p: Problem = isProblem(body) ? body : {}
  const title = p.title || `${fallback} (HTTP ${status})`
  const detail = typeof p.detail === 'string' && p.detail !== title ? p.detail : null
  const rule = typeof p.rule === 'string' && p.rule ? p.rule : null
  const fields: Record<string, string> = {}
  for (const e of p.errors ?? []) {
    const f = e.field ?? (Array.isArray(e.loc) ? e.loc.filter((x) => x !== 'body').join('.') : undefined)
    const msg = e.message ?? e.msg ?? e.detail
    if (f && msg) fields[f] = msg
  }
  if (p.field && !fields[p.field]) fields[p.field] = detail ?? title
  const text = `${rule ? `[${rule}] ` : ''}${title}${detail ? `：${detail}` : ''}`
  return { text, title, detail, rule, fields, status: p.status ?? status }
}

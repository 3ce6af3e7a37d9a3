import { describe, expect, it } from 'vitest'
import { describeProblem } from '../src/lib/problem'

describe('problem details → message', () => {
  it('names the rule broken and keeps the detail (R9)', () => {
    const m = describeProblem(
      { type: 'urn:fupin:problem:rule_violation', title: '不符合政策规则', status: 422, code: 'rule_violation', rule: 'R9', field: 'poor_households_fen', detail: '贫困户所得低于协议比例' },
      422,
    )
    expect(m.rule).toBe('R9')
    expect(m.text).toBe('[R9] 不符合政策规则：贫困户所得低于协议比例')
    expect(m.fields).toEqual({ poor_households_fen: '贫困户所得低于协议比例' })
  })
  it('maps every validation error to its field', () => {
    const m = describeProblem(
      { title: '输入有误', status: 422, field: 'total_fen', detail: '字段 total_fen 不合法', errors: [{ field: 'total_fen', message: 'must be > 0' }, { field: 'paid_on', message: 'invalid date' }] },
      422,
    )
    expect(m.rule).toBeNull()
    expect(m.fields).toEqual({ total_fen: 'must be > 0', paid_on: 'invalid date' })
  })
  it('falls back to the status when the body is not a problem', () => {
    const m = describeProblem('<html>bad gateway</html>', 502, '请求失败')
    expect(m.text).toBe('请求失败 (HTTP 502)')
    expect(m.status).toBe(502)
  })
})

import { describe, expect, it } from 'vitest'
import { toSheetRows } from '../src/lib/excel'

describe('export what the table shows', () => {
  it('puts the column labels first and one row per shown row, in order', () => {
    const rows = toSheetRows([{ label: '户编号', value: (r: { n: string; v?: number }) => r.n }, { label: '合计', value: (r) => r.v }], [{ n: 'A', v: 1 }, { n: 'B' }])
    expect(rows).toEqual([['户编号', '合计'], ['A', 1], ['B', '']])
  })
})

import { describe, expect, it } from 'vitest'
import { bpToPercent, fenToYuan, formatYuan, yuanToFen } from '../src/lib/money'

describe('money: fen → 元', () => {
  it('formats integer fen with two decimals and grouping, exact for large amounts', () => {
    expect(fenToYuan(0)).toBe('0.00')
    expect(fenToYuan(5)).toBe('0.05')
    expect(fenToYuan(1_000_001)).toBe('10,000.01')
    expect(fenToYuan(-250)).toBe('-2.50')
    expect(fenToYuan(900_719_925_474_099)).toBe('9,007,199,254,740.99')
    expect(fenToYuan(123456, { grouping: false })).toBe('1234.56')
    expect(formatYuan(null)).toBe('—')
    expect(formatYuan(100)).toBe('¥1.00')
  })
  it('parses typed 元 into integer fen and refuses what is not an amount', () => {
    expect(yuanToFen('1,234.5')).toBe(123450)
    expect(yuanToFen('¥ 12')).toBe(1200)
    expect(yuanToFen('0.07')).toBe(7)
    expect(yuanToFen('1.234')).toBeNull()
    expect(yuanToFen('-1')).toBeNull()
    expect(yuanToFen('abc')).toBeNull()
  })
  it('shows basis points as a percentage', () => {
    expect(bpToPercent(5000)).toBe('50.00%')
    expect(bpToPercent(6001)).toBe('60.01%')
    expect(bpToPercent(null)).toBe('—')
  })
})

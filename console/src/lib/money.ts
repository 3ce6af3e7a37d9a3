// Money arrives as integer fen (分); the console shows 元 with two decimals, never through floats.

export function fenToYuan(fen: number | bigint | null | undefined, opts: { grouping?: boolean } = {}): string {
  if (fen === null || fen === undefined) return '—'
  const value = BigInt(fen)
  const negative = value < 0n
  const abs = negative ? -value : value
  const yuan = (abs / 100n).toString()
  const cents = (abs % 100n).toString().padStart(2, '0')
  const grouped = opts.grouping === false ? yuan : yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}${grouped}.${cents}`
}

export function formatYuan(fen: number | null | undefined): string {
  return fen === null || fen === undefined ? '—' : `¥${fenToYuan(fen)}`
}

/** A typed amount in 元 ("1,234.5", "12") → integer fen; null when it is not a valid amount. */
export function yuanToFen(input: string): number | null {
  const s = input.replace(/[,，\s¥]/g, '')
  const m = /^(\d{1,13})(?:\.(\d{0,2}))?$/.exec(s)
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

/** Basis points (5000) → "50.00%". */
export function bpToPercent(bp: number | null | undefined): string {
  if (bp === null || bp === undefined) return '—'
  return `${Math.trunc(bp / 100)}.${String(Math.abs(bp) % 100).padStart(2, '0')}%`
}

// Code tables (字典) the API does not label yet (#13): the six benefit types, in the order of 韶扶组〔2018〕3号 §5.
export const BENEFIT_TYPES = ['order_production', 'wage_labor', 'lease_back', 'policy_support', 'asset_income', 'equity_dividend'] as const
export type BenefitType = (typeof BENEFIT_TYPES)[number]


export const INDICATOR_COLOURS: Record<string, string> = { met: '#67c23a', not_met: '#f56c6c', no_data: '#c0c4cc', not_applicable: '#e4e7ed' }

export function currentYear(): number {
  return new Date().getFullYear()
}

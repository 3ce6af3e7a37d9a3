import type zh from './zh-CN'

const en: typeof zh = {
  app: { title: 'Shaoguan Industry-Based Precision Poverty Alleviation', short: 'Fupin', policy: 'SFZ [2018] No. 3' },
  menu: { overview: 'Overview', villages: 'Villages', funds: 'Funds', import: 'Import', audit: 'Audit', signOut: 'Sign out' },
  crumb: { home: 'Home', region: 'Region', village: 'Village', household: 'Household', distribution: 'Distribution' },
  common: {
    loading: 'Loading…', empty: 'No data', retry: 'Retry', next: 'Next', prev: 'Previous', export: 'Export to Excel', search: 'Search',
    year: 'Year', total: 'Total', perCapita: 'Per capita', actions: 'Actions', open: 'Open', close: 'Close', confirm: 'Confirm', cancel: 'Cancel',
    yes: 'Yes', no: 'No', filter: 'Filter', all: 'All', code: 'Code', name: 'Name', status: 'Status', amount: 'Amount (yuan)', date: 'Date',
    calls: '{n} requests on this page', language: '中文',
  },
  error: { failed: 'Request failed', network: 'Cannot reach the server', title: 'Something went wrong' },
  signin: {
    title: 'Sign in', dev: 'Development sign-in: pick a role and scope', role: 'Role', scope: 'Scope (division code or entity id)', name: 'Name (shown)',
    subject: 'Account (optional; tells two approvers apart)', submit: 'Sign in', oidc: 'Sign in with the identity provider', scopeHint: 'county 6 digits, township 9, village 12; none for city and audit',
  },
  role: {
    city_admin: 'City administrator', county_officer: 'County officer', township_officer: 'Township officer', village_cadre: 'Village cadre',
    entity_operator: 'Operating entity', trainer: 'Trainer', auditor: 'Auditor',
  },
  benefit: {
    order_production: 'Order production', wage_labor: 'Wage labour', lease_back: 'Lease-back', policy_support: 'Policy support',
    asset_income: 'Asset income', equity_dividend: 'Equity dividend',
  },
  indicator: { met: 'Met', not_met: 'Not met', no_data: 'No data', not_applicable: 'N/A', evidence: 'Evidence' },
  status: {
    registered_poor: 'Registered poor', exited: 'Exited', returned: 'Returned', proposed: 'Proposed', approved: 'Approved', withdrawn: 'Withdrawn', reversed: 'Reversed',
    compliant: 'Compliant', on_track: 'On track', behind: 'Behind', not_labourer: 'Not a labourer',
  },
  category: { province_poor: 'Province-designated poor village', relatively_poor_dongguan: 'Relatively poor (Dongguan pairing)', relatively_poor_shaoguan: 'Relatively poor (Shaoguan pairing)', scattered_poor: 'Scattered poor' },
  fundKind: { provincial_special: 'Provincial special fund', dongguan_guidance: 'Dongguan guidance fund', shaoguan_guidance: 'Shaoguan guidance fund', other_assistance: 'Other assistance' },
  marketLink: { direct_supply_channel: 'Direct-supply channel', showcase_window: 'Showcase window', ecommerce_point: 'E-commerce point', cold_chain_facility: 'Cold-chain facility', order_contract: 'Order contract' },
  county: { '440203': 'Wujiang', '440204': 'Zhenjiang', '440205': 'Qujiang', '440222': 'Shixing', '440224': 'Renhua', '440229': 'Wengyuan', '440232': 'Ruyuan Yao', '440233': 'Xinfeng', '440281': 'Lechang', '440282': 'Nanxiong' },
  fundVia: { line: 'named by the line', allocation: 'through its allocation', project: "through its project's funding", entity: "through the entity's funded projects" },
  labour: { full: 'Full', partial: 'Partial', none: 'None' },
  relation: { head: 'Head', spouse: 'Spouse', child: 'Child', parent: 'Parent', grandchild: 'Grandchild', sibling: 'Sibling', other: 'Other' },
  sex: { male: 'Male', female: 'Female' },
  overview: {
    title: 'Overview', county: 'County', matrix: 'Policy indicators per village (R4–R22)', byType: 'Six-type income per village (yuan)',
    perCapita: 'Per-capita income distribution (yuan)', noIncome: 'Households without income', r1: 'Provincial special fund use (R1)',
    households: 'Households', people: 'People', pickCounty: 'Pick a county',
  },
  village: {
    title: 'Village', households: 'Households', head: 'Head', size: 'Size', labour: 'Labourers', income: 'Six-type income (this year)',
    indicators: 'Indicators', market: 'Market links', projects: 'Projects', helpers: 'Helpers', list: 'Villages', township: 'Township',
    categories: 'Categories', number: 'Household number',
  },
  household: {
    title: 'Household file', members: 'Members', idNumber: 'ID number', birth: 'Born', training: 'Training file (R7)', income: 'Income lines',
    byMonth: 'Income by month (yuan)', lineage: 'Paid from', fund: 'Fund', entity: 'Entity', agreement: 'Agreement', project: 'Project',
    employments: 'Employment', needs: 'Still needs', sessions: 'sessions', days: 'days', skill: 'practical skill', source: 'Source', type: 'Type',
    sources: 'Income by type and source', via: 'Traced via', entries: 'entries', noFund: 'no fund', post: 'Post', noTraining: 'no training record', address: 'Address', editAddress: 'Correct the address', reason: 'Reason', saved: 'Saved', stale: 'Someone changed this household meanwhile: reload, then edit',
  },
  funds: {
    title: 'Funds', funds: 'Funds', allocations: 'Allocations', projects: 'Projects', distributions: 'Distributions', propose: 'Propose a distribution',
    approve: 'Approve', period: 'Period', totalYuan: 'Total (yuan)', poorYuan: 'Poor households (yuan, empty = the rule\'s floor)', paidOn: 'Paid on',
    project: 'Project', kind: 'Kind', received: 'Received', allocated: 'Allocated', purpose: 'Purpose', share: 'Poor share', rule: 'Rule',
    proposedBy: 'Proposed by', approvedBy: 'Approved by', tree: 'Flow of funds', reach: 'Households reached', proposed: 'Proposed; another person approves',
    approvedOk: 'Approved: one income entry per household', reachTotal: '{n} households reached, {yuan} yuan in all', outOfScope: '{n} more households lie outside your region: in the totals, not listed', split: 'Split by household', units: 'Shares',
  },
  import: {
    title: 'Import', hint: 'Upload a CSV or Excel file (one row per member); check it first, then confirm', template: 'Template', dryRun: 'Check (dry run)',
    confirm: 'Confirm import', row: 'Row', column: 'Column', value: 'Value', reason: 'Reason', valid: 'Valid: ready to import',
    invalid: '{n} problems; nothing was written', applied: 'Imported: {households} households, {members} members', rows: 'Rows',
  },
  audit: {
    title: 'Audit', verify: 'Verify the log', replay: 'Replay and compare', export: 'Export the log', ok: 'Consistent', broken: 'Problems found',
    events: 'Events', table: 'Table', source: 'Source', exported: 'Exported {n} events', progress: '{n} read', breaks: 'Breaks',
  },
}
export default en

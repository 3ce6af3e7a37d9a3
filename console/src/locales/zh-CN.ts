export default {
  app: { title: '韶关市产业精准扶贫平台', short: '韶扶平台', policy: '韶扶组〔2018〕3号' },
  menu: { overview: '总览', villages: '村', funds: '资金', import: '导入', audit: '审计', signOut: '退出' },
  crumb: { home: '首页', region: '区域', village: '村', household: '户', distribution: '分配' },
  common: {
    loading: '加载中…', empty: '暂无数据', retry: '重试', next: '下一页', prev: '上一页', export: '导出 Excel', search: '搜索',
    year: '年度', total: '合计', perCapita: '人均', actions: '操作', open: '打开', close: '关闭', confirm: '确认', cancel: '取消',
    yes: '是', no: '否', filter: '筛选', all: '全部', code: '代码', name: '名称', status: '状态', amount: '金额(元)', date: '日期',
    calls: '本页请求 {n} 次', language: 'English',
  },
  error: { failed: '请求失败', network: '无法连接服务器', title: '出错了' },
  signin: {
    title: '登录', dev: '开发环境登录：选择角色与范围', role: '角色', scope: '范围（区划代码或主体编号）', name: '姓名（显示用）',
    subject: '账号（可选，区分两名审批人）', submit: '登录', oidc: '通过统一身份认证登录', scopeHint: '县 6 位，乡镇 9 位，村 12 位；市级与审计无需范围',
  },
  role: {
    city_admin: '市级管理员', county_officer: '县扶贫办', township_officer: '乡镇干部', village_cadre: '村干部',
    entity_operator: '经营主体', trainer: '培训机构', auditor: '审计',
  },
  benefit: {
    order_production: '订单生产', wage_labor: '劳动务工', lease_back: '反租倒包', policy_support: '政策扶持',
    asset_income: '资产扶贫', equity_dividend: '入股分红',
  },
  indicator: { met: '达标', not_met: '未达标', no_data: '无数据', not_applicable: '不适用', evidence: '依据' },
  status: {
    registered_poor: '建档立卡贫困户', exited: '已脱贫', returned: '返贫', proposed: '待审批', approved: '已批准', withdrawn: '已撤回', reversed: '已冲销',
    compliant: '达标', on_track: '进行中', behind: '落后', not_labourer: '非劳动力',
  },
  category: { province_poor: '省定贫困村', relatively_poor_dongguan: '相对贫困村（东莞帮扶）', relatively_poor_shaoguan: '相对贫困村（韶关帮扶）', scattered_poor: '分散贫困村' },
  fundKind: { provincial_special: '省级扶贫专项资金', dongguan_guidance: '东莞帮扶引导资金', shaoguan_guidance: '韶关帮扶引导资金', other_assistance: '其他帮扶资金' },
  marketLink: { direct_supply_channel: '定向直通渠道', showcase_window: '展销窗口', ecommerce_point: '电子商务服务点', cold_chain_facility: '冷链设施', order_contract: '订单合同' },
  county: { '440203': '武江区', '440204': '浈江区', '440205': '曲江区', '440222': '始兴县', '440224': '仁化县', '440229': '翁源县', '440232': '乳源瑶族自治县', '440233': '新丰县', '440281': '乐昌市', '440282': '南雄市' },
  fundVia: { line: '收益记录直接列明', allocation: '经资金分配', project: '经项目的资金', entity: '经经营主体的扶持项目' },
  labour: { full: '全劳动力', partial: '半劳动力', none: '无劳动力' },
  relation: { head: '户主', spouse: '配偶', child: '子女', parent: '父母', grandchild: '孙子女', sibling: '兄弟姐妹', other: '其他' },
  sex: { male: '男', female: '女' },
  overview: {
    title: '总览', county: '县（区）', matrix: '各村政策指标（R4–R22）', byType: '各村六类收益（元）', perCapita: '人均收入分布（元）',
    noIncome: '无收入户', r1: '省级专项资金使用（R1）', households: '户数', people: '人口', pickCounty: '选择县（区）',
  },
  village: {
    title: '村', households: '农户', head: '户主', size: '人口', labour: '劳动力', income: '六类收益（本年）', indicators: '政策指标',
    market: '产销对接', projects: '项目', helpers: '帮扶责任人', list: '村列表', township: '乡镇', categories: '类别', number: '户编号',
  },
  household: {
    title: '户档案', members: '家庭成员', idNumber: '身份证号', birth: '出生日期', training: '培训档案（R7）', income: '收入明细',
    byMonth: '按月收入（元）', lineage: '资金来源', fund: '资金', entity: '经营主体', agreement: '协议', project: '项目', employments: '就业',
    needs: '尚需', sessions: '次', days: '天', skill: '实用技能', source: '来源', type: '类型',
    sources: '收入来源（按类型与资金）', via: '追溯', entries: '笔', noFund: '无资金来源', post: '岗位', noTraining: '无培训记录', address: '地址', editAddress: '更正地址', reason: '更正原因', saved: '已保存', stale: '该户已被他人修改，请刷新后再改',
  },
  funds: {
    title: '资金', funds: '资金来源', allocations: '资金分配', projects: '项目', distributions: '收益分配', propose: '申报分配',
    approve: '审批', period: '期间', totalYuan: '分配总额（元）', poorYuan: '贫困户所得（元，留空按规则下限）', paidOn: '支付日期',
    project: '项目', kind: '类型', received: '到账', allocated: '已分配', purpose: '用途', share: '贫困户比例', rule: '规则',
    proposedBy: '申报人', approvedBy: '审批人', tree: '资金流向', reach: '惠及农户', proposed: '已提交，等待另一人审批',
    approvedOk: '已批准：每户一笔收益', reachTotal: '惠及 {n} 户，共 {yuan} 元', outOfScope: '另有 {n} 户在您的管辖范围以外，计入合计但不列出', split: '分户明细', units: '量化股份',
  },
  import: {
    title: '导入', hint: '上传 CSV 或 Excel（每行一名成员），先试算检查，再确认导入', template: '下载模板', dryRun: '试算检查',
    confirm: '确认导入', row: '行', column: '列', value: '值', reason: '原因', valid: '检查通过：可以导入', invalid: '有 {n} 处问题，未写入任何数据',
    applied: '已导入：{households} 户，{members} 人', rows: '行数',
  },
  audit: {
    title: '审计', verify: '校验日志', replay: '重放比对', export: '导出日志', ok: '一致', broken: '发现问题', events: '事件数',
    table: '表', source: '来源', exported: '已导出 {n} 条事件', progress: '已读取 {n} 条', breaks: '断点',
  },
}

// The operator console in Debian's headless Chromium (playwright-core, executablePath), against a platform
// that tests/console/test_browser.py started and seeded through the API. Run by that test (make test).
import { after, afterEach, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const seed = JSON.parse(readFileSync(process.env.FUPIN_SEED, 'utf8'))
const shots = process.env.FUPIN_SHOTS
const base = seed.base
const A1 = seed.households.A1
const B1 = seed.households.B1
const BENEFITS = ['order_production', 'wage_labor', 'lease_back', 'policy_support', 'asset_income', 'equity_dividend']
const ROLE_LABEL = { county_officer: '县扶贫办', village_cadre: '村干部', auditor: '审计', city_admin: '市级管理员' }
const calls = {}

let browser
let context
let page

async function api(path) {
  const t = await fetch(`${base}/dev/v1/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role: 'city_admin', subject: 'e2e-reader' }) })
  const { token } = await t.json()
  const r = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } })
  assert.equal(r.status, 200, `${path}: ${r.status}`)
  return r.json()
}

/** "1,520.50" as the console shows it → 152050 fen. */
function fenOf(text) {
  const m = /^(-?)([\d,]+)\.(\d\d)$/.exec(text.trim())
  assert.ok(m, `not an amount: ${JSON.stringify(text)}`)
  return (m[1] ? -1 : 1) * (Number(m[2].replaceAll(',', '')) * 100 + Number(m[3]))
}

async function shot(name) {
  await page.waitForTimeout(400) // let charts finish their entry animation before the picture
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true })
}

async function countCalls(name, action) {
  const before = await page.evaluate(() => globalThis.__fupinRequests?.length ?? 0)
  await action()
  await page.waitForLoadState('networkidle')
  calls[name] = (await page.evaluate(() => globalThis.__fupinRequests?.length ?? 0)) - before
}

async function signIn({ role, scope = '', subject = '', name = '' }) {
  await page.goto(`${base}/signin`)
  await page.locator('[data-test=role]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: ROLE_LABEL[role] }).first().click()
  await page.locator('input[data-test=scope]').fill(scope)
  await page.locator('input[data-test=name]').fill(name)
  await page.locator('input[data-test=subject]').fill(subject)
}

async function submitSignIn() {
  await page.locator('[data-test=submit]').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
}

async function signOut() {
  await page.locator('[data-test=signout]').click()
  await page.waitForURL((u) => u.pathname.startsWith('/signin'))
}

async function incomeShown(scopeLocator) {
  const out = {}
  for (const b of BENEFITS) out[b] = fenOf(await scopeLocator.locator(`[data-test=income-${b}]`).innerText())
  return out
}

describe('operator console in Chromium', () => {
  before(async () => {
    browser = await chromium.launch({ executablePath: process.env.FUPIN_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
    context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN', acceptDownloads: true })
    context.setDefaultTimeout(20_000)
    page = await context.newPage()
    page.on('pageerror', (e) => console.error('page error:', e.message))
  })
  let step = 0
  afterEach(async () => {
    // The last state of every scenario, for a person reading a failure (not kept in docs/).
    step += 1
    await page?.screenshot({ path: join(process.env.FUPIN_DEBUG_SHOTS || '/tmp', `fupin-console-step-${step}.png`) }).catch(() => {})
  })
  after(async () => {
    console.log(`calls per screen: ${JSON.stringify(calls)}`)
    await browser?.close()
  })
  // No screen needs more than a handful of requests (issue #14): each reads the ledger's read models.
  // Counted from the click (or the sign-in, whose token request is included: overview, village (cadre), overview (city)).
  const MOST = { overview: 4, village: 4, household: 4, 'village (cadre)': 5, 'overview (city)': 3, 'overview (township)': 3, 'funds reach': 1 }
  function assertCalls(name) {
    assert.ok(calls[name] > 0 && calls[name] <= MOST[name], `${name}: ${calls[name]} requests (at most ${MOST[name]})`)
  }

  it('a county officer signs in with the development picker and sees the county overview', async () => {
    await signIn({ role: 'county_officer', scope: seed.county, subject: 'officer-a', name: '乳源县扶贫办 邓科长' })
    await shot('signin')
    await countCalls('overview', async () => {
      await submitSignIn()
      await page.waitForURL('**/overview')
      await page.locator('[data-test=village-link]', { hasText: '必背村' }).waitFor()
      await page.locator('[data-test=matrix] .cell').first().waitFor()
    })
    assert.match(await page.locator('[data-test=who]').innerText(), /县扶贫办 · 440232/)
    assertCalls('overview')
    await shot('overview')
  })

  it('opens a seeded village and sees the same six-type income for a household as the API returns', async () => {
    await countCalls('village', async () => {
      await page.locator('[data-test=village-link]', { hasText: '必背村' }).click()
      await page.waitForURL(`**/villages/${seed.villageA}`)
      await page.waitForFunction(() => {
        const cells = [...document.querySelectorAll('[data-test=income-total]')]
        return cells.length >= 3 && cells.every((c) => c.textContent.trim() !== '…')
      })
    })
    const api_ = await api(`/ledger/v1/households/${A1.id}/income?year=${seed.year}`)
    const row = page.locator('[data-test=households] .el-table__body tr', { hasText: A1.number })
    assert.equal(await row.locator('[data-test=head]').innerText(), A1.head)
    const shown = await incomeShown(row)
    for (const b of BENEFITS) assert.equal(shown[b], api_.by_type[b] ?? 0, `${b} on the village screen`)
    assert.ok(shown.equity_dividend > 0 && shown.policy_support === 52_050)
    assert.equal(fenOf(await row.locator('[data-test=income-total]').innerText()), api_.total_fen)
    assert.equal(fenOf(await row.locator('[data-test=income-per-capita]').innerText()), api_.per_capita_fen)
    assert.match(await page.locator('[data-test=breadcrumbs]').innerText(), /必背村/)
    await page.locator('[data-test=project]').first().waitFor()
    assert.match(await page.locator('[data-test=projects]').innerText(), new RegExp(seed.project.name))
    assertCalls('village')
    await shot('village')
  })

  it('opens the household file: members, R7 status, income by type and by month, income lines with their fund', async () => {
    await countCalls('household', async () => {
      await page.locator('[data-test=households] .el-table__body tr', { hasText: A1.number }).click()
      await page.waitForURL(`**/households/${A1.id}`)
      await page.locator('[data-test=income-by-type] [data-test=income-total]').waitFor()
      await page.locator('[data-test=r7-status]').first().waitFor()
      await page.locator('canvas').first().waitFor()
      await page.locator('[data-test=entries] .el-table__body tr').first().waitFor()
    })
    const api_ = await api(`/ledger/v1/households/${A1.id}/income?year=${seed.year}`)
    const shown = await incomeShown(page.locator('[data-test=income-by-type]'))
    for (const b of BENEFITS) assert.equal(shown[b], api_.by_type[b] ?? 0, `${b} on the household file`)
    assert.match(await page.locator('[data-test=members]').innerText(), /邓建国[\s\S]*陈秀英/)
    assert.match(await page.locator('[data-test=entries]').innerText(), /资金/)
    // Each income line traced to the fund that paid it (the ledger's household file, one request).
    assert.ok((await page.locator('[data-test=source-fund]').count()) > 0, 'no income source names its fund')
    assertCalls('household')
    await shot('household')
    // Correcting the address sends the household's ETag as If-Match (the API refuses a PATCH without one).
    await page.locator('[data-test=edit-address]').click()
    const box = page.locator('.el-message-box')
    await box.locator('input').fill('必背村二组8号')
    await box.locator('.el-message-box__btns .el-button--primary').click()
    await page.locator('[data-test=notice]', { hasText: '已保存' }).waitFor()
    assert.equal((await page.locator('[data-test=address]').innerText()).trim(), '必背村二组8号')
  })

  it('proposes a distribution; the proposer cannot approve it; breaking R9 is refused with the rule shown', async () => {
    await page.locator('[data-test=menu] li', { hasText: '资金' }).click()
    await page.waitForURL('**/funds')
    await page.locator('[data-test=distributions] .el-table__body tr').first().waitFor()
    const propose = async ({ period, total, poor = '' }) => {
      await page.locator('[data-test=propose]').click()
      const dialog = page.locator('.el-dialog', { hasText: '申报分配' })
      await dialog.waitFor()
      await dialog.locator('[data-test=project]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: seed.project.name }).first().click()
      await dialog.locator('input[data-test=period]').fill(period)
      await dialog.locator('input[data-test=total]').fill(total)
      await dialog.locator('input[data-test=poor]').fill(poor)
      const date = dialog.locator('.el-date-editor input')
      await date.fill(new Date().toISOString().slice(0, 10))
      await date.press('Enter')
      await dialog.locator('[data-test=propose-submit]').click()
      return dialog
    }
    await propose({ period: seed.periods.proposed, total: '1,000' })
    await page.locator('[data-test=notice]', { hasText: '等待另一人审批' }).waitFor()
    const mine = page.locator('[data-test=distributions] .el-table__body tr', { hasText: seed.periods.proposed })
    assert.equal(await mine.locator('[data-test=dist-status]').innerText(), '待审批')

    await mine.locator('[data-test=approve]').click()
    const refused = page.locator('.el-alert--error[data-test=notice]')
    await refused.waitFor()
    assert.match(await refused.innerText(), /R17|审批|proposer/)

    const dialog = await propose({ period: seed.periods.r9, total: '1000', poor: '100' })
    const error = dialog.locator('[data-test=propose-error]')
    await error.waitFor()
    assert.match(await error.innerText(), /\[R9\]/)
    await shot('funds-r9')
    await dialog.locator('.el-dialog__footer button', { hasText: '取消' }).click()
    await dialog.waitFor({ state: 'hidden' })
  })

  it('a second person approves the proposal: one income entry per household', async () => {
    await signOut()
    await signIn({ role: 'county_officer', scope: seed.county, subject: 'officer-b', name: '乳源县扶贫办 陈股长' })
    await submitSignIn()
    await page.goto(`${base}/funds`)
    const row = page.locator('[data-test=distributions] .el-table__body tr', { hasText: seed.periods.proposed })
    await row.locator('[data-test=approve]').click()
    await page.locator('[data-test=notice]', { hasText: '每户一笔收益' }).waitFor()
    await page.locator('[data-test=distributions] .el-table__body tr', { hasText: seed.periods.proposed }).locator('[data-test=dist-status]', { hasText: '已批准' }).waitFor()
    const listed = await api('/funds/v1/distributions?limit=50')
    const approved = listed.items.find((d) => d.period === seed.periods.proposed)
    assert.equal(approved.status, 'approved')
    assert.equal(approved.proposed_by, 'officer-a')
    assert.equal(approved.approved_by, 'officer-b')
    await page.locator('[data-test=distributions] .el-table__body tr', { hasText: seed.periods.proposed }).locator('[data-test=lineage]').click()
    await page.locator('.el-drawer canvas').first().waitFor()
    await shot('funds')
    await page.keyboard.press('Escape')
  })

  it("opens a fund's reach: every household it reached with number, head and amount, in one request", async () => {
    await page.locator('[data-test=funds-tabs] .el-tabs__item', { hasText: '资金来源' }).click()
    const row = page.locator('[data-test=funds] .el-table__body tr', { hasText: seed.fund.name })
    await row.waitFor()
    await countCalls('funds reach', async () => {
      await row.locator('[data-test=reach]').click()
      await page.locator('[data-test=reach-households] .el-table__body tr').first().waitFor()
    })
    assertCalls('funds reach')
    const api_ = await api(`/funds/v1/funds/${seed.fund.id}/reach?limit=50`)
    const byNumber = Object.fromEntries(Object.values(seed.households).map((h) => [h.number, h]))
    const rows = page.locator('[data-test=reach-households] .el-table__body tr')
    assert.equal(await rows.count(), api_.households.length)
    assert.ok(api_.households.length >= 2, 'the seeded distribution reached A1 and A2')
    for (const line of api_.households) {
      const shown = rows.filter({ hasText: line.household_number })
      assert.equal(await shown.locator('[data-test=reach-head]').innerText(), byNumber[line.household_number].head)
      assert.equal(fenOf(await shown.locator('[data-test=reach-amount]').innerText()), line.amount_fen)
    }
    assert.match(await page.locator('[data-test=reach-projects]').innerText(), new RegExp(seed.project.name))
    await shot('funds-reach')
    await page.keyboard.press('Escape')
  })

  it('a village cadre, on a phone-sized screen, sees their village and cannot see another village', async () => {
    await signOut()
    await page.setViewportSize({ width: 390, height: 844 })
    await signIn({ role: 'village_cadre', scope: seed.villageA, subject: 'cadre-a', name: '必背村 邓书记' })
    await countCalls('village (cadre)', async () => {
      await submitSignIn()
      await page.waitForURL(`**/villages/${seed.villageA}`)
      await page.waitForFunction(() => [...document.querySelectorAll('[data-test=income-total]')].length >= 3)
      await page.locator('[data-test=project]').first().waitFor()
    })
    assertCalls('village (cadre)')
    await shot('village-cadre-mobile')
    await page.goto(`${base}/villages/${seed.villageB}`)
    const refused = page.locator('[data-test=error]').first()
    await refused.waitFor()
    assert.doesNotMatch(await page.locator('body').innerText(), /王坑村/)
    await shot('village-cadre-refused')
    await page.goto(`${base}/households/${B1.id}`)
    await page.locator('[data-test=error]').first().waitFor()
    assert.doesNotMatch(await page.locator('body').innerText(), new RegExp(B1.head))
    await page.setViewportSize({ width: 1366, height: 860 })
  })

  it('an import with an error row shows that row and its message', async () => {
    await page.goto(`${base}/import`)
    await page.locator('input[data-test=file]').setInputFiles(seed.importCsv)
    await page.locator('[data-test=dry-run]').click()
    const table = page.locator('[data-test=import-errors]')
    await table.waitFor()
    const row = table.locator('.el-table__body tr').first()
    const cells = await row.locator('td').allInnerTexts()
    assert.equal(cells[0].trim(), String(seed.importError.row))
    assert.equal(cells[3].trim(), seed.importError.reason)
    assert.ok(await page.locator('[data-test=confirm]').isDisabled())
    await shot('import')
  })

  it('an auditor verifies the log and replays it', async () => {
    await signOut()
    await signIn({ role: 'auditor', subject: 'auditor-1', name: '市审计局' })
    // The city overview: every county in one read model, each rule counted over its villages.
    await countCalls('overview (city)', async () => {
      await submitSignIn()
      await page.waitForURL('**/overview')
      await page.locator('[data-test=county-link]').first().waitFor()
    })
    assertCalls('overview (city)')
    await shot('overview-city')
    // A township: its villages from one read model (no call per village).
    await countCalls('overview (township)', async () => {
      await page.locator('input[data-test=region]').fill(seed.villageA.slice(0, 9))
      await page.locator('input[data-test=region]').press('Enter')
      await page.locator('[data-test=village-link]', { hasText: '必背村' }).waitFor()
    })
    assertCalls('overview (township)')
    await page.goto(`${base}/audit`)
    await page.locator('[data-test=verify]').click()
    await page.locator('[data-test=verify-result]', { hasText: '一致' }).waitFor()
    await page.locator('[data-test=replay]').click()
    await page.locator('[data-test=replay-result]').waitFor({ timeout: 60_000 })
    await shot('audit')
  })
})

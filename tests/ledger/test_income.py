"""Household income: by benefit type to the fen, month, as_of, entries with lineage, scope."""

from __future__ import annotations

from datetime import date, timedelta

from shared.db import utcnow
from shared.events.income import BENEFIT_TYPES, BenefitType, Lineage
from tests.helpers import eventually, village_code
from tests.ledger.support import append, household, income, village

B = BenefitType


async def _income(platform, hid: str, headers=None, **params):
    r = await platform.client.get(f"/ledger/v1/households/{hid}/income", params={"year": 2026} | params, headers=headers or platform.admin)
    assert r.status_code == 200, r.text
    return r.json()


async def test_every_benefit_type_for_several_households_gives_by_type_to_the_fen(platform):
    code = village_code()
    h1, h2, h3 = household(code, members=4), household(code, members=3), household(code, members=2)
    await append(platform, village(code, ["province_poor"]), h1, h2, h3)
    amounts = {B.order_production: 360001, B.wage_labor: 1200000, B.lease_back: 70003, B.policy_support: 50000, B.asset_income: 80007, B.equity_dividend: 45011}
    await append(platform, *[income(h1, b, fen) for b, fen in amounts.items()])
    wrong = income(h2, B.wage_labor, 99999)
    await append(platform, income(h2, B.equity_dividend, 12345, date(2026, 3, 31)), income(h2, B.equity_dividend, 5, date(2026, 4, 1)), wrong)
    # A correction is a new, reversing entry: the original stays.
    await append(platform, income(h2, B.wage_labor, -99999, reverses=None))

    async def h1_booked():
        body = await _income(platform, h1.household_id)
        assert body["by_type"] == {str(b): fen for b, fen in amounts.items()}
        return body

    body = await eventually(h1_booked)
    assert set(body["by_type"]) == set(BENEFIT_TYPES)
    assert body["total_fen"] == sum(amounts.values()) == 1805022
    assert body["household_size"] == 4 and body["per_capita_fen"] == 1805022 // 4

    async def h2_booked():
        body = await _income(platform, h2.household_id)
        assert body["by_type"] == {**dict.fromkeys(BENEFIT_TYPES, 0), "equity_dividend": 12350, "wage_labor": 0}
        return body

    await eventually(h2_booked)
    march = await _income(platform, h2.household_id, month=3)
    assert march["by_type"]["equity_dividend"] == 12345 and march["month"] == 3
    h3_body = await _income(platform, h3.household_id)
    assert h3_body["total_fen"] == 0 and all(v == 0 for v in h3_body["by_type"].values())


async def test_reversal_is_a_new_negative_entry_naming_the_reversed_event(platform):
    code = village_code()
    h = household(code)
    await append(platform, h)
    await append(platform, income(h, B.policy_support, 30000))

    async def entries(n):
        r = await platform.client.get(f"/ledger/v1/households/{h.household_id}/income/entries", params={"year": 2026}, headers=platform.admin)
        assert r.status_code == 200, r.text
        assert len(r.json()["items"]) == n
        return r.json()["items"]

    first = (await eventually(lambda: entries(1)))[0]
    await append(platform, income(h, B.policy_support, -30000, reverses=first["event_id"]))
    items = await eventually(lambda: entries(2))
    reversal = [e for e in items if e["amount_fen"] < 0][0]
    assert reversal["reverses_event_id"] == first["event_id"]
    assert [e for e in items if e["event_id"] == first["event_id"]][0]["amount_fen"] == 30000
    assert (await _income(platform, h.household_id))["by_type"]["policy_support"] == 0


async def test_as_of_answers_what_the_ledger_knew_at_the_end_of_that_day(platform):
    code = village_code()
    h = household(code)
    await append(platform, h, income(h, B.asset_income, 1000))

    async def booked():
        assert (await _income(platform, h.household_id))["total_fen"] == 1000

    await eventually(booked)
    today = utcnow().date()
    before = await _income(platform, h.household_id, as_of=(today - timedelta(days=1)).isoformat())
    assert before["total_fen"] == 0 and before["household_size"] == 0 and before["as_of"] == (today - timedelta(days=1)).isoformat()
    assert (await _income(platform, h.household_id, as_of=today.isoformat()))["total_fen"] == 1000
    # A later event changes today's answer, not yesterday's.
    await append(platform, income(h, B.asset_income, 500))

    async def later():
        assert (await _income(platform, h.household_id, as_of=today.isoformat()))["total_fen"] == 1500

    await eventually(later)
    assert (await _income(platform, h.household_id, as_of=(today - timedelta(days=1)).isoformat()))["total_fen"] == 0


async def test_entries_carry_lineage_and_page_with_cursors(platform):
    code = village_code()
    h = household(code)
    lineage = Lineage(fund_id="F-1", project_id="P-1", asset_id="A-1", agreement_id="AG-1", contract_id="C-1", order_id="O-1")
    await append(platform, h, *[income(h, B.equity_dividend, 100 + i, lineage=lineage) for i in range(5)])
    url = f"/ledger/v1/households/{h.household_id}/income/entries"

    async def all_five():
        r = await platform.client.get(url, params={"limit": 500}, headers=platform.admin)
        assert r.status_code == 200 and len(r.json()["items"]) == 5

    await eventually(all_five)
    seen, cursor = [], None
    while True:
        r = await platform.client.get(url, params={"limit": 2} | ({"cursor": cursor} if cursor else {}), headers=platform.admin)
        body = r.json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(e["amount_fen"] for e in seen) == [100, 101, 102, 103, 104]
    assert seen[0]["lineage"] == {"fund_id": "F-1", "project_id": "P-1", "asset_id": "A-1", "agreement_id": "AG-1", "contract_id": "C-1", "order_id": "O-1"}
    assert seen[0]["source"] == "funds" and seen[0]["event_type"] == "fupin.funds.distribution_paid_to_household.v1"


async def test_county_officer_sees_own_county_and_gets_404_outside(platform):
    inside, outside = village_code("440232"), village_code("440233")
    hi, ho = household(inside), household(outside)
    await append(platform, hi, ho)
    officer = platform.as_("county_officer", "440232")

    async def both_known():
        await _income(platform, hi.household_id)
        await _income(platform, ho.household_id)

    await eventually(both_known)
    assert (await platform.client.get(f"/ledger/v1/households/{hi.household_id}/income", params={"year": 2026}, headers=officer)).status_code == 200
    r = await platform.client.get(f"/ledger/v1/households/{ho.household_id}/income", params={"year": 2026}, headers=officer)
    assert r.status_code == 404
    r = await platform.client.get(f"/ledger/v1/households/{ho.household_id}/income/entries", headers=officer)
    assert r.status_code == 404


async def test_bad_month_is_a_problem_naming_the_field(platform):
    r = await platform.client.get("/ledger/v1/households/x/income", params={"year": 2026, "month": 13}, headers=platform.admin)
    assert r.status_code == 422 and "month" in r.text

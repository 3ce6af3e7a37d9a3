"""Money-path integrity of funds (issue #11): bounded input, payouts checked against their agreements,
corrections instead of edits, every reference in scope, an Idempotency-Key on every money write."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tests.funds.support import (
    V1,
    keyed,
    ledger_income,
    make_allocation,
    make_entity,
    make_fund,
    make_household,
    make_village,
    post,
    problem,
    project_body,
    project_with_shares,
)
from tests.helpers import eventually

HUGE = 4_611_686_018_427_387_905  # 2^62 + 1: two of them overflow a signed 64-bit SUM
TERMS = {"prevention": "购买农业保险，修建排涝设施", "handling": "灾害损失由保险赔付，不足部分由企业承担，不向农户追偿"}


def cadre(platform, village: str, who: str) -> dict[str, str]:
    return platform.as_("village_cadre", village, subject=f"cadre-{who}-{village}")


def land(hid: str, entity: str, **kw):
    return {
        "household_id": hid,
        "entity_id": entity,
        "plot": "三组12号",
        "area_tenth_mu": 35,
        "start_on": "2026-03-01",
        "end_on": "2036-02-28",
        "annual_rent_fen": 210_000,
        "policy_income_household_bp": 7000,
    } | kw


async def _household_and_entity(platform, county: str = "440232"):
    village = await make_village(platform, county=county)
    return village, await make_household(platform, village), await make_entity(platform, county=county, villages=[village])


# ---- 1. bounded input ------------------------------------------------------------------------------


async def test_two_subsidies_of_4_6e18_fen_are_refused_and_every_ledger_read_stays_200(platform):
    village = await make_village(platform)
    hid = await make_household(platform, village)
    me = cadre(platform, village, "a")
    for _ in range(2):
        r = await platform.client.post(
            f"{V1}/subsidies", json={"household_id": hid, "name": "补贴", "total_fen": HUGE, "paid_on": "2026-06-30"}, headers=keyed(me)
        )
        body = problem(r, 422, field="total_fen")  # the subsidy's money field is total_fen
        assert "10000000000" in r.text  # the ceiling is stated
    await post(platform, "/subsidies", {"household_id": hid, "name": "补贴", "total_fen": 5_000, "paid_on": "2026-06-30"}, headers=me)

    async def booked():
        assert (await ledger_income(platform, hid))["by_type"]["policy_support"] == 5_000

    await eventually(booked)
    for path, params in (
        (f"/ledger/v1/households/{hid}/income", {"year": 2026}),
        ("/ledger/v1/aggregates", {"level": "village", "code": village, "year": 2026}),
        ("/ledger/v1/aggregates", {"level": "county", "code": village[:6], "year": 2026}),
        ("/ledger/v1/aggregates", {"level": "city", "code": "4402", "year": 2026}),
        (f"/ledger/v1/indicators/villages/{village}", {"year": 2026}),
    ):
        r = await platform.client.get(path, params=params, headers=platform.admin)
        assert r.status_code == 200, (path, r.text)
    assert body["status"] == 422


async def test_rent_of_4_6e18_fen_is_a_422_naming_amount_fen(platform):
    _, hid, entity = await _household_and_entity(platform)
    transfer = await post(platform, "/land-transfers", land(hid, entity))
    r = await platform.client.post(
        f"{V1}/land-transfers/{transfer['id']}/rent-payments",
        json={"period": "2026", "amount_fen": HUGE, "paid_on": "2026-12-20"},
        headers=keyed(platform.admin),
    )
    problem(r, 422, field="amount_fen")


@pytest.mark.parametrize(
    "field, value",
    [("amount_fen", 2**70), ("amount_fen", -1), ("amount_fen", "100"), ("poor_person_count", 2**64), ("received_on", 0), ("received_on", "0001-01-01")],
)
async def test_an_out_of_bound_money_count_or_date_in_a_fund_is_a_422_naming_it_never_a_500(platform, field, value):
    body = {
        "kind": "provincial_special",
        "name": "专项资金",
        "county_code": "440232",
        "amount_fen": 1_000,
        "poor_person_count": 1,
        "received_on": "2026-02-01",
    } | {field: value}
    problem(await platform.client.post(f"{V1}/funds", json=body, headers=keyed(platform.admin)), 422, field=field)


async def test_misspelt_poor_household_fen_is_a_422_naming_it_instead_of_falling_back_to_the_floor(platform):
    s = await project_with_shares(platform, units=[1])
    body = {"project_id": s["project"], "period": "2026", "total_fen": 100_000, "poor_household_fen": 100_000, "paid_on": "2026-12-31"}
    r = await platform.client.post(f"{V1}/distributions", json=body, headers=keyed(platform.admin))
    problem(r, 422, field="poor_household_fen")
    listed = (await platform.client.get(f"{V1}/distributions", headers=platform.admin, params={"limit": 500})).json()["items"]
    assert all(item["project_id"] != s["project"] for item in listed)  # nothing was written
    spelt = {k: v for k, v in body.items() if k != "poor_household_fen"} | {"poor_households_fen": 100_000}
    assert (await post(platform, "/distributions", spelt))["poor_households_fen"] == 100_000  # what the cadre meant, not the floor


async def test_check_constraints_refuse_an_out_of_bound_subsidy_written_around_the_api(platform):
    ctx = platform.context("funds")
    statement = text(
        "INSERT INTO subsidy (id, household_id, village_code, name, total_fen, household_fen, entity_fen, paid_on) "
        "VALUES (:id, 'h', '440232100201', 'x', :fen, :fen, 0, '2026-06-30')"
    )
    with pytest.raises(IntegrityError):
        async with ctx.engine.begin() as conn:
            await conn.execute(statement, {"id": "poison-1", "fen": HUGE})
    with pytest.raises(IntegrityError):
        async with ctx.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO agreement (id, project_id, signed_on, term_start, term_end, poor_share_bp)"
                    " VALUES ('g', 'p', '2026-01-01', '2026-01-01', '2026-12-31', 10001)"
                )
            )
    async with ctx.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM subsidy WHERE id = 'poison-1'"))).scalar_one() == 0


# ---- 5. Idempotency-Key on money writes ------------------------------------------------------------------


async def test_money_writes_without_an_idempotency_key_are_428_and_write_nothing(platform):
    s = await project_with_shares(platform, units=[1])
    cases = [
        ("/funds", {"kind": "other_assistance", "name": "x", "county_code": "440232", "amount_fen": 1, "received_on": "2026-02-01"}),
        (
            "/allocations",
            {
                "fund_id": s["fund"],
                "village_code": s["village"],
                "purpose": "industry",
                "recipient_kind": "village_collective",
                "amount_fen": 1,
                "allocated_on": "2026-03-01",
            },
        ),
        ("/distributions", {"project_id": s["project"], "period": "2026", "total_fen": 100, "paid_on": "2026-12-31"}),
        ("/subsidies", {"household_id": s["households"][0], "name": "补贴", "total_fen": 100, "paid_on": "2026-06-30"}),
        (
            f"/allocations/{s['allocation']}/payment-requests",
            {"amount_fen": 1, "requested_on": "2026-04-02", "vouchers": [{"number": "1", "description": "发票", "amount_fen": 1}]},
        ),
    ]
    for path, body in cases:
        r = await platform.client.post(f"{V1}{path}", json=body, headers=platform.admin)
        assert problem(r, 428)["code"] == "idempotency_key_required", path
    d = await post(platform, "/distributions", {"project_id": s["project"], "period": "2026", "total_fen": 100, "paid_on": "2026-12-31"})
    assert problem(await platform.client.post(f"{V1}/distributions/{d['id']}/approve", headers=platform.admin), 428)["field"] == "Idempotency-Key"
    assert (await platform.client.get(f"{V1}/households/{s['households'][0]}/income-lines", headers=platform.admin)).json()["items"] == []


async def test_a_retried_subsidy_with_the_same_key_counts_once(platform):
    village = await make_village(platform)
    hid = await make_household(platform, village)
    headers = keyed(platform.admin)
    body = {"household_id": hid, "name": "补贴", "total_fen": 7_000, "paid_on": "2026-06-30"}
    first = await platform.client.post(f"{V1}/subsidies", json=body, headers=headers)
    again = await platform.client.post(f"{V1}/subsidies", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again.headers.get("idempotent-replayed") == "true"
    lines = (await platform.client.get(f"{V1}/households/{hid}/income-lines", headers=platform.admin)).json()["items"]
    assert [line["amount_fen"] for line in lines] == [7_000]


# ---- 2. payouts against their agreements -------------------------------------------------------------------


async def test_r9_a_2018_distribution_after_2018_h1_and_h2_is_a_409_naming_the_one_already_there(platform):
    s = await project_with_shares(platform, units=[1])
    h1 = await post(platform, "/distributions", {"project_id": s["project"], "period": "2018-H1", "total_fen": 100_000, "paid_on": "2018-07-15"})
    h2 = await post(platform, "/distributions", {"project_id": s["project"], "period": "2018-H2", "total_fen": 100_000, "paid_on": "2019-01-15"})
    assert (h1["period_start"], h1["period_end"]) == ("2018-01-01", "2018-06-30")
    assert (h2["period_start"], h2["period_end"]) == ("2018-07-01", "2018-12-31")
    r = await platform.client.post(
        f"{V1}/distributions", json={"project_id": s["project"], "period": "2018", "total_fen": 200_000, "paid_on": "2019-01-20"}, headers=keyed(platform.admin)
    )
    body = problem(r, 409, field="period")
    assert body["code"] == "period_already_distributed"
    assert body["existing_distribution_id"] == h1["id"] and body["existing_period"] == "2018-H1"
    quarter = await platform.client.post(
        f"{V1}/distributions", json={"project_id": s["project"], "period": "2018-Q3", "total_fen": 1, "paid_on": "2019-01-20"}, headers=keyed(platform.admin)
    )
    assert problem(quarter, 409)["existing_distribution_id"] == h2["id"]
    await post(platform, "/distributions", {"project_id": s["project"], "period": "2019-01", "total_fen": 1_000, "paid_on": "2019-02-01"})
    # The fact carries the range (distribution_proposed v2; v1 stays published as it was).
    outbox = platform.context("funds").spec.metadata.tables["outbox"]
    async with platform.context("funds").sessionmaker() as session:
        row = (await session.execute(select(outbox.c.type, outbox.c.payload).where(outbox.c.subject == h1["id"]))).first()
    assert row.type == "fupin.funds.distribution_proposed.v2"
    data = json.loads(row.payload)["data"]
    assert (data["period"], data["period_start"], data["period_end"]) == ("2018-H1", "2018-01-01", "2018-06-30")


async def test_r9_explicit_period_ranges_are_checked_against_labels_and_adjacent_ranges_are_accepted(platform):
    s = await project_with_shares(platform, units=[1])
    year = await post(
        platform,
        "/distributions",
        {"project_id": s["project"], "period_start": "2026-04-01", "period_end": "2027-03-31", "total_fen": 100_000, "paid_on": "2027-04-15"},
    )
    assert year["period"] == "2026-04-01~2027-03-31"
    r = await platform.client.post(
        f"{V1}/distributions", json={"project_id": s["project"], "period": "2027-Q1", "total_fen": 5, "paid_on": "2027-04-15"}, headers=keyed(platform.admin)
    )
    assert problem(r, 409)["existing_distribution_id"] == year["id"]
    label = await post(
        platform,
        "/distributions",
        {"project_id": s["project"], "period_start": "2027-04-01", "period_end": "2027-06-30", "total_fen": 5, "paid_on": "2027-07-01"},
    )
    assert label["period"] == "2027-Q2"  # a range that is a quarter is labelled as one
    mismatch = {"project_id": s["project"], "period": "2028", "period_start": "2028-02-01", "total_fen": 5, "paid_on": "2028-12-31"}
    problem(await platform.client.post(f"{V1}/distributions", json=mismatch, headers=keyed(platform.admin)), 422)


async def test_r16_land_rent_for_a_year_cannot_exceed_the_agreed_annual_rent(platform):
    _, hid, entity = await _household_and_entity(platform)
    transfer = await post(platform, "/land-transfers", land(hid, entity, annual_rent_fen=210_000))
    operator = platform.as_("entity_operator", entity, subject="op-rent")
    await post(
        platform, f"/land-transfers/{transfer['id']}/rent-payments", {"period": "2026-H1", "amount_fen": 105_000, "paid_on": "2026-06-30"}, headers=operator
    )
    await post(
        platform, f"/land-transfers/{transfer['id']}/rent-payments", {"period": "2026-H2", "amount_fen": 100_000, "paid_on": "2026-12-20"}, headers=operator
    )
    r = await platform.client.post(
        f"{V1}/land-transfers/{transfer['id']}/rent-payments", json={"period": "2026", "amount_fen": 5_001, "paid_on": "2026-12-30"}, headers=keyed(operator)
    )
    body = problem(r, 422, rule="R16", field="amount_fen")
    assert (body["agreed_fen"], body["already_paid_fen"], body["requested_fen"], body["year"]) == (210_000, 205_000, 5_001, 2026)
    await post(platform, f"/land-transfers/{transfer['id']}/rent-payments", {"period": "2026", "amount_fen": 5_000, "paid_on": "2026-12-30"}, headers=operator)
    # The next year has its own rent; a period outside the transfer's term pays none.
    await post(
        platform, f"/land-transfers/{transfer['id']}/rent-payments", {"period": "2027", "amount_fen": 210_000, "paid_on": "2027-12-20"}, headers=operator
    )
    outside = await platform.client.post(
        f"{V1}/land-transfers/{transfer['id']}/rent-payments", json={"period": "2040", "amount_fen": 1, "paid_on": "2040-12-20"}, headers=keyed(operator)
    )
    problem(outside, 422, rule="R16", field="period")


async def test_r11_loan_returns_for_a_year_cannot_exceed_the_guaranteed_return(platform):
    _, hid, entity = await _household_and_entity(platform)
    loan = {
        "household_id": hid,
        "bank": "广东省农村信用社",
        "principal_fen": 5_000_000,
        "term_months": 36,
        "annual_rate_bp": 435,
        "granted_on": "2026-03-01",
        "use": "entrusted",
        "entity_id": entity,
        "poverty_responsibility": "代养生猪，每年保底分红4000元",
        "guaranteed_return_fen_per_year": 400_000,
    }
    granted = await post(platform, "/loans", loan)
    operator = platform.as_("entity_operator", entity, subject="op-loan-r11")
    await post(platform, f"/loans/{granted['id']}/returns", {"amount_fen": 300_000, "paid_on": "2026-12-31"}, headers=operator)
    r = await platform.client.post(f"{V1}/loans/{granted['id']}/returns", json={"amount_fen": 100_001, "paid_on": "2026-12-31"}, headers=keyed(operator))
    body = problem(r, 422, rule="R11", field="amount_fen")
    assert (body["agreed_fen"], body["already_paid_fen"], body["requested_fen"]) == (400_000, 300_000, 100_001)
    # A return for 2026 paid in January 2027 still counts for 2026.
    late = await platform.client.post(
        f"{V1}/loans/{granted['id']}/returns", json={"amount_fen": 100_001, "paid_on": "2027-01-10", "year": 2026}, headers=keyed(operator)
    )
    problem(late, 422, rule="R11")
    await post(platform, f"/loans/{granted['id']}/returns", {"amount_fen": 100_000, "paid_on": "2027-01-10", "year": 2026}, headers=operator)
    await post(platform, f"/loans/{granted['id']}/returns", {"amount_fen": 400_000, "paid_on": "2027-12-31"}, headers=operator)


async def test_r14_lease_back_income_follows_the_agreements_term_and_yearly_income(platform):
    _, hid, entity = await _household_and_entity(platform)
    body = {
        "entity_id": entity,
        "household_id": hid,
        "base_name": "蔬菜基地3号棚",
        "area_tenth_mu": 20,
        "start_on": "2026-03-01",
        "end_on": "2028-02-29",
        "disaster_terms": TERMS,
        "agreed_income_fen_per_year": 100_000,
    }
    lb = await post(platform, "/lease-backs", body)
    assert lb["agreed_income_fen_per_year"] == 100_000
    await post(platform, f"/lease-backs/{lb['id']}/income-payments", {"period": "2026-Q3", "amount_fen": 60_000, "paid_on": "2026-09-30"})
    over = await platform.client.post(
        f"{V1}/lease-backs/{lb['id']}/income-payments", json={"period": "2026-Q4", "amount_fen": 40_001, "paid_on": "2026-12-31"}, headers=keyed(platform.admin)
    )
    found = problem(over, 422, rule="R14", field="amount_fen")
    assert (found["agreed_fen"], found["already_paid_fen"], found["requested_fen"]) == (100_000, 60_000, 40_001)
    outside = await platform.client.post(
        f"{V1}/lease-backs/{lb['id']}/income-payments", json={"period": "2029", "amount_fen": 1, "paid_on": "2029-12-31"}, headers=keyed(platform.admin)
    )
    problem(outside, 422, rule="R14", field="period")
    # Without a stated yearly income the amount is free, the term still holds.
    free = await post(platform, "/lease-backs", {k: v for k, v in body.items() if k != "agreed_income_fen_per_year"})
    await post(platform, f"/lease-backs/{free['id']}/income-payments", {"period": "2026", "amount_fen": 500_000, "paid_on": "2026-12-31"})


async def test_r10_income_declared_for_a_leased_asset_cannot_exceed_its_annual_fee(platform):
    village = await make_village(platform)
    fund = await make_fund(platform, kind="provincial_special")
    allocation = await make_allocation(platform, fund, village, amount_fen=20_000_000)
    asset = await post(
        platform, "/assets", {"name": "光伏电站", "village_code": village, "value_fen": 20_000_000, "allocation_id": allocation, "built_on": "2026-05-01"}
    )
    entity = await make_entity(platform, villages=[village])
    await post(
        platform,
        f"/assets/{asset['id']}/handover",
        {"mode": "lease", "entity_id": entity, "annual_fee_fen": 100_000, "start_on": "2026-06-01", "end_on": "2029-05-31"},
        expect=200,
    )
    await post(platform, f"/assets/{asset['id']}/shares", {"household_id": await make_household(platform, village), "units": 1})
    await post(platform, "/distributions", {"asset_id": asset["id"], "period": "2026-H2", "total_fen": 80_000, "paid_on": "2026-12-31"})
    r = await platform.client.post(
        f"{V1}/distributions", json={"asset_id": asset["id"], "period": "2026-Q2", "total_fen": 20_001, "paid_on": "2026-12-31"}, headers=keyed(platform.admin)
    )
    body = problem(r, 422, rule="R10", field="total_fen")
    assert (body["agreed_fen"], body["already_paid_fen"], body["requested_fen"]) == (100_000, 80_000, 20_001)
    await post(platform, "/distributions", {"asset_id": asset["id"], "period": "2026-Q2", "total_fen": 20_000, "paid_on": "2026-12-31"})


# ---- 3. corrections instead of edits -------------------------------------------------------------------


async def test_a_proposed_distribution_is_withdrawn_stays_visible_and_frees_its_period(platform):
    s = await project_with_shares(platform, units=[1])
    operator = platform.as_("entity_operator", s["entity"], subject="op-withdraw")
    d = await post(platform, "/distributions", {"project_id": s["project"], "period": "2026", "total_fen": 100_000, "paid_on": "2026-12-31"}, headers=operator)
    other_operator = platform.as_("entity_operator", s["entity"], subject="op-someone-else")
    problem(await platform.client.post(f"{V1}/distributions/{d['id']}/withdraw", json={}, headers=other_operator), 403)
    out = await post(platform, f"/distributions/{d['id']}/withdraw", {"reason": "利润数字填错"}, headers=operator, expect=200)
    assert out["status"] == "withdrawn" and out["withdrawn_by"] == "op-withdraw" and out["withdrawal_reason"] == "利润数字填错"
    assert (await platform.client.get(f"{V1}/distributions/{d['id']}", headers=platform.admin)).json()["status"] == "withdrawn"
    problem(await platform.client.post(f"{V1}/distributions/{d['id']}/approve", headers=keyed(platform.admin)), 409)
    again = await post(
        platform, "/distributions", {"project_id": s["project"], "period": "2026", "total_fen": 90_000, "paid_on": "2026-12-31"}, headers=operator
    )
    # An official in scope may withdraw someone else's proposal.
    await post(platform, f"/distributions/{again['id']}/withdraw", {}, headers=cadre(platform, s["village"], "w"), expect=200)


async def test_an_approved_distribution_is_reversed_under_maker_checker_and_the_ledger_income_returns(platform):
    s = await project_with_shares(platform, units=[1, 3])
    first, second = s["households"]
    d = await post(
        platform,
        "/distributions",
        {"project_id": s["project"], "period": "2026", "total_fen": 100_000, "paid_on": "2026-12-31"},
        headers=cadre(platform, s["village"], "a"),
    )
    await post(platform, f"/distributions/{d['id']}/approve", {}, headers=cadre(platform, s["village"], "b"), expect=200)

    async def paid():
        assert (await ledger_income(platform, second))["by_type"]["equity_dividend"] == 45_000

    await eventually(paid)
    problem(await platform.client.post(f"{V1}/distributions/{d['id']}/withdraw", json={}, headers=platform.admin), 409)
    problem(await platform.client.post(f"{V1}/distributions/{d['id']}/reversals", json={}, headers=platform.admin), 422, field="reason")
    maker = cadre(platform, s["village"], "a")
    rev = await post(platform, f"/distributions/{d['id']}/reversals", {"reason": "分红重复发放"}, headers=maker)
    assert rev["status"] == "proposed" and rev["target_id"] == d["id"]
    assert problem(await platform.client.post(f"{V1}/reversals/{rev['id']}/approve", headers=keyed(maker)), 403)["code"] == "separation_of_duties"
    approved = await post(platform, f"/reversals/{rev['id']}/approve", {}, headers=cadre(platform, s["village"], "c"), expect=200)
    assert approved["status"] == "approved" and len(approved["reversing_line_ids"]) == 2
    problem(await platform.client.post(f"{V1}/reversals/{rev['id']}/approve", headers=keyed(platform.admin)), 409)

    async def reversed_in_ledger():
        for hid in (first, second):
            assert (await ledger_income(platform, hid))["by_type"]["equity_dividend"] == 0

    await eventually(reversed_in_ledger)
    # The original stays visible beside its negative twin, which names the fact it reverses.
    original = (await platform.client.get(f"{V1}/distributions/{d['id']}", headers=platform.admin)).json()
    assert original["status"] == "reversed" and original["reversal_id"] == rev["id"] and original["approved_by"] == f"cadre-b-{s['village']}"
    lines = (await platform.client.get(f"{V1}/households/{second}/income-lines", headers=platform.admin)).json()["items"]
    assert sorted(line["amount_fen"] for line in lines) == [-45_000, 45_000]
    reversing = next(line for line in lines if line["amount_fen"] < 0)
    assert reversing["reverses_line_id"] == next(line["id"] for line in lines if line["amount_fen"] > 0) and reversing["lineage"]["distribution_id"] == d["id"]
    entries = (await platform.client.get(f"/ledger/v1/households/{second}/income/entries", params={"year": 2026}, headers=platform.admin)).json()["items"]
    negative = next(e for e in entries if e["amount_fen"] < 0)
    assert negative["reverses_event_id"] == next(e["event_id"] for e in entries if e["amount_fen"] > 0)
    # With the reversal the period is free again for the correct distribution.
    await post(platform, "/distributions", {"project_id": s["project"], "period": "2026", "total_fen": 50_000, "paid_on": "2026-12-31"})


async def test_r16_a_rent_payment_is_reversed_and_the_rent_it_used_is_free_again(platform):
    _, hid, entity = await _household_and_entity(platform)
    transfer = await post(platform, "/land-transfers", land(hid, entity, annual_rent_fen=210_000))
    line = await post(platform, f"/land-transfers/{transfer['id']}/rent-payments", {"period": "2026", "amount_fen": 210_000, "paid_on": "2026-12-20"})
    rev = await post(platform, f"/income-lines/{line['id']}/reversals", {"reason": "付错户"})
    await post(platform, f"/reversals/{rev['id']}/approve", {}, headers=platform.as_("county_officer", "440232", subject="officer-checker"), expect=200)

    async def back_to_zero():
        assert (await ledger_income(platform, hid))["by_type"]["asset_income"] == 0

    await eventually(back_to_zero)
    await post(platform, f"/land-transfers/{transfer['id']}/rent-payments", {"period": "2026", "amount_fen": 210_000, "paid_on": "2026-12-21"})
    problem(await platform.client.post(f"{V1}/income-lines/{line['id']}/reversals", json={"reason": "again"}, headers=platform.admin), 409)


# ---- 4. every reference in scope -------------------------------------------------------------------------


async def _member_of(platform, hid: str) -> str:
    r = await platform.client.get(f"/households/v1/households/{hid}", headers=platform.admin)
    assert r.status_code == 200, r.text
    return r.json()["members"][0]["id"]


async def test_county_officer_cannot_name_another_countys_entity_or_party_member_in_a_project(platform):
    county_a, county_b = "440232", "440233"
    village_a = await make_village(platform, county=county_a)
    village_b = await make_village(platform, county=county_b)
    entity_b = await make_entity(platform, county=county_b, villages=[village_b])
    member_b = await _member_of(platform, await make_household(platform, village_b))
    entity_a = await make_entity(platform, county=county_a, villages=[village_a])
    officer_a = platform.as_("county_officer", county_a, subject="officer-a")

    # B's member is known to funds: the city may name it (the refusal below is about scope, not timing).
    async def known():
        await post(platform, "/projects", project_body(village_b, entity_b, leader_member_id=member_b))

    await eventually(known)
    foreign_entity = await platform.client.post(f"{V1}/projects", json=project_body(village_a, entity_b), headers=keyed(officer_a))
    missing_entity = await platform.client.post(f"{V1}/projects", json=project_body(village_a, "no-such-entity"), headers=keyed(officer_a))
    foreign, missing = problem(foreign_entity, 422, field="entity_id"), problem(missing_entity, 422, field="entity_id")
    assert (foreign["detail"], foreign["code"]) == (missing["detail"], missing["code"])  # nothing tells B's entity exists
    foreign_member = await platform.client.post(f"{V1}/projects", json=project_body(village_a, entity_a, leader_member_id=member_b), headers=keyed(officer_a))
    problem(foreign_member, 422, field="leader_member_id")
    member_a = await _member_of(platform, await make_household(platform, village_a))

    async def own_member_accepted():
        await post(platform, "/projects", project_body(village_a, entity_a, leader_member_id=member_a), headers=officer_a)

    await eventually(own_member_accepted)
    problem(await platform.client.get(f"{V1}/entities/{entity_b}", headers=officer_a), 404)
    listed = (await platform.client.get(f"{V1}/entities", headers=officer_a, params={"limit": 500})).json()["items"]
    assert entity_b not in {e["id"] for e in listed} and entity_a in {e["id"] for e in listed}


async def test_an_allocations_recipient_must_be_in_the_writers_scope(platform):
    village_a = await make_village(platform, county="440232")
    entity_b = await make_entity(platform, county="440233")
    household_b = await make_household(platform, await make_village(platform, county="440233"))
    officer_a = platform.as_("county_officer", "440232", subject="officer-a-alloc")
    fund = await make_fund(platform, county="440232")
    body = {
        "fund_id": fund,
        "village_code": village_a,
        "purpose": "industry",
        "recipient_kind": "operating_entity",
        "recipient_id": entity_b,
        "amount_fen": 1_000,
        "allocated_on": "2026-03-01",
    }
    problem(await platform.client.post(f"{V1}/allocations", json=body, headers=keyed(officer_a)), 422, field="recipient_id")
    to_household = body | {"recipient_kind": "household", "recipient_id": household_b, "village_code": None}
    problem(await platform.client.post(f"{V1}/allocations", json=to_household, headers=keyed(officer_a)), 422, field="recipient_id")
    subsidy = {"household_id": household_b, "name": "补贴", "total_fen": 100, "paid_on": "2026-06-30"}
    foreign = await platform.client.post(f"{V1}/subsidies", json=subsidy, headers=keyed(officer_a))
    missing = await platform.client.post(f"{V1}/subsidies", json=subsidy | {"household_id": "no-such-household"}, headers=keyed(officer_a))
    assert problem(foreign, 422, field="household_id")["title"] == problem(missing, 422, field="household_id")["title"]


async def test_a_village_cadre_still_names_the_entities_of_its_county(platform):
    village = await make_village(platform)
    hid = await make_household(platform, village)
    entity = await make_entity(platform)  # of the county, not listing the village
    me = cadre(platform, village, "land")
    assert (await platform.client.get(f"{V1}/entities/{entity}", headers=me)).status_code == 200
    await post(platform, "/land-transfers", land(hid, entity), headers=me)
    await post(platform, "/projects", project_body(village, entity), headers=me)

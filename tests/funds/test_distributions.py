"""Distributions (R3, R9, R10, R17): the poor households' floor, the split by quantified shares, maker-checker, income facts."""

from __future__ import annotations

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
    project_with_shares,
)
from tests.helpers import eventually

VILLAGE_CADRE = "village_cadre"


def cadre(platform, village: str, who: str = "cadre-b") -> dict[str, str]:
    return platform.as_(VILLAGE_CADRE, village, subject=f"{who}-{village}")


async def test_r9_distribution_takes_the_agreed_share_and_splits_it_by_shares_exact_to_the_fen(platform):
    s = await project_with_shares(platform, units=[1, 1, 1], poor_share_bp=6000)
    d = await post(platform, "/distributions", {"project_id": s["project"], "period": "2026", "total_fen": 1_000_001, "paid_on": "2026-12-31"})
    assert d["rule"] == "R9" and d["poor_share_bp"] == 6000
    assert d["poor_households_fen"] == 600_001  # 60 % of 1,000,001 fen, rounded up so the floor is never missed
    parts = sorted(line["amount_fen"] for line in d["split"])
    assert parts == [200_000, 200_000, 200_001] and sum(parts) == 600_001
    assert d["status"] == "proposed"


async def test_r9_distribution_below_the_agreed_share_is_refused_naming_the_numbers(platform):
    s = await project_with_shares(platform, units=[2], poor_share_bp=7000)
    r = await platform.client.post(
        f"{V1}/distributions",
        json={"project_id": s["project"], "period": "2026", "total_fen": 100_000, "poor_households_fen": 69_999, "paid_on": "2026-12-31"},
        headers=keyed(platform.admin),
    )
    body = problem(r, 422, rule="R9", field="poor_households_fen")
    assert body["minimum_fen"] == 70_000 and body["poor_households_fen"] == 69_999 and body["minimum_bp"] == 7000
    listed = await platform.client.get(f"{V1}/distributions", headers=platform.admin)
    assert all(item["project_id"] != s["project"] for item in listed.json()["items"])  # nothing was written


async def test_r3_guidance_fund_project_gives_poor_households_at_least_60_percent(platform):
    s = await project_with_shares(platform, units=[1], fund_kind="dongguan_guidance", poor_share_bp=5000, categories=["relatively_poor_dongguan"])
    r = await platform.client.post(
        f"{V1}/distributions",
        json={"project_id": s["project"], "period": "2026", "total_fen": 100_000, "poor_households_fen": 55_000, "paid_on": "2026-12-31"},
        headers=keyed(platform.admin),
    )
    body = problem(r, 422, rule="R3")
    assert body["minimum_fen"] == 60_000 and body["minimum_bp"] == 6000
    d = await post(platform, "/distributions", {"project_id": s["project"], "period": "2026", "total_fen": 100_000, "paid_on": "2026-12-31"})
    assert d["rule"] == "R3" and d["guidance_fund"] is True and d["poor_households_fen"] == 60_000


async def test_r17_dividend_without_quantified_shares_is_refused(platform):
    s = await project_with_shares(platform, units=[])
    r = await platform.client.post(
        f"{V1}/distributions", json={"project_id": s["project"], "period": "2026", "total_fen": 100_000, "paid_on": "2026-12-31"}, headers=keyed(platform.admin)
    )
    problem(r, 422, rule="R17")


async def test_r17_only_poor_households_share_the_poor_portion_by_their_units(platform):
    s = await project_with_shares(platform, units=[3, 1])
    rich = await make_household(platform, s["village"], status="not_poor")
    await post(platform, f"/projects/{s['project']}/shares", {"household_id": rich, "units": 100, "contribution": "land"})
    d = await post(platform, "/distributions", {"project_id": s["project"], "period": "2026", "total_fen": 100_000, "paid_on": "2026-12-31"})
    by_household = {line["household_id"]: line for line in d["split"]}
    assert rich not in by_household
    assert by_household[s["households"][0]]["amount_fen"] == 45_000 and by_household[s["households"][0]]["units"] == 3
    assert by_household[s["households"][1]]["amount_fen"] == 15_000


async def test_a_period_already_distributed_is_refused_with_409(platform):
    s = await project_with_shares(platform, units=[1])
    body = {"project_id": s["project"], "period": "2026-H1", "total_fen": 100_000, "paid_on": "2026-06-30"}
    await post(platform, "/distributions", body)
    r = await platform.client.post(f"{V1}/distributions", json=body | {"total_fen": 5}, headers=keyed(platform.admin))
    assert problem(r, 409)["code"] == "period_already_distributed"


async def test_r17_approval_by_the_proposer_is_refused_separation_of_duties(platform):
    s = await project_with_shares(platform, units=[1])
    d = await post(
        platform,
        "/distributions",
        {"project_id": s["project"], "period": "2026", "total_fen": 100_000, "paid_on": "2026-12-31"},
        headers=cadre(platform, s["village"], "a"),
    )
    r = await platform.client.post(f"{V1}/distributions/{d['id']}/approve", headers=keyed(cadre(platform, s["village"], "a")))
    assert problem(r, 403)["code"] == "separation_of_duties"
    assert (await platform.client.get(f"{V1}/distributions/{d['id']}", headers=platform.admin)).json()["status"] == "proposed"


async def test_r9_approval_emits_one_equity_dividend_per_household_booked_by_the_ledger(platform):
    s = await project_with_shares(platform, units=[1, 2])
    operator = platform.as_("entity_operator", s["entity"], subject="operator-1")
    d = await post(platform, "/distributions", {"project_id": s["project"], "period": "2026", "total_fen": 300_000, "paid_on": "2026-12-31"}, headers=operator)
    approved = await post(platform, f"/distributions/{d['id']}/approve", {}, headers=cadre(platform, s["village"]), expect=200)
    assert approved["status"] == "approved" and approved["approved_by"] == f"cadre-b-{s['village']}"
    first, second = s["households"]

    async def booked():
        a, b = await ledger_income(platform, first), await ledger_income(platform, second)
        assert a["by_type"]["equity_dividend"] == 60_000 and b["by_type"]["equity_dividend"] == 120_000
        return a

    await eventually(booked)
    lines = (await platform.client.get(f"{V1}/households/{second}/income-lines", headers=platform.admin)).json()["items"]
    assert len(lines) == 1
    lineage = lines[0]["lineage"]
    assert lines[0]["benefit_type"] == "equity_dividend" and lines[0]["units"] == 2
    assert lineage["fund_id"] == s["fund"] and lineage["allocation_id"] == s["allocation"] and lineage["project_id"] == s["project"]
    assert lineage["distribution_id"] == d["id"] and lineage["entity_id"] == s["entity"] and "agreement_id" in lineage
    again = await platform.client.post(f"{V1}/distributions/{d['id']}/approve", headers=keyed(platform.admin))
    problem(again, 409)


async def test_entity_operator_cannot_declare_for_another_entity(platform):
    s = await project_with_shares(platform, units=[1])
    other = platform.as_("entity_operator", await make_entity(platform), subject="operator-2")
    r = await platform.client.post(
        f"{V1}/distributions", json={"project_id": s["project"], "period": "2026", "total_fen": 100, "paid_on": "2026-12-31"}, headers=keyed(other)
    )
    problem(r, 404)  # the project is not even visible to another entity's operator
    foreign_cadre = platform.as_(VILLAGE_CADRE, await make_village(platform), subject="cadre-x")
    r = await platform.client.get(f"{V1}/projects/{s['project']}", headers=foreign_cadre)
    problem(r, 404)


async def test_r10_asset_income_is_split_with_at_least_half_to_poor_households_as_asset_income(platform):
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
        {"mode": "lease", "entity_id": entity, "annual_fee_fen": 1_000_000, "start_on": "2026-06-01", "end_on": "2029-05-31"},
        expect=200,
    )
    hid = await make_household(platform, village)
    await post(platform, f"/assets/{asset['id']}/shares", {"household_id": hid, "units": 1})
    r = await platform.client.post(
        f"{V1}/distributions",
        json={"asset_id": asset["id"], "period": "2026", "total_fen": 100_000, "poor_households_fen": 49_999, "paid_on": "2026-12-31"},
        headers=keyed(platform.admin),
    )
    assert problem(r, 422, rule="R10")["minimum_fen"] == 50_000
    d = await post(
        platform,
        "/distributions",
        {"asset_id": asset["id"], "period": "2026", "total_fen": 100_000, "paid_on": "2026-12-31"},
        headers=cadre(platform, village, "a"),
    )
    assert d["benefit_type"] == "asset_income" and d["entity_id"] == entity
    await post(platform, f"/distributions/{d['id']}/approve", {}, headers=cadre(platform, village, "b"), expect=200)

    async def booked():
        assert (await ledger_income(platform, hid))["by_type"]["asset_income"] == 50_000

    await eventually(booked)


async def test_a_distribution_is_not_paid_before_its_period(platform):
    s = await project_with_shares(platform, units=[1])
    r = await platform.client.post(
        f"{V1}/distributions", json={"project_id": s["project"], "period": "2027", "total_fen": 100, "paid_on": "2026-12-31"}, headers=keyed(platform.admin)
    )
    problem(r, 422, field="paid_on")
    r = await platform.client.post(
        f"{V1}/distributions", json={"project_id": s["project"], "period": "2026-13x", "total_fen": 100, "paid_on": "2026-12-31"}, headers=keyed(platform.admin)
    )
    problem(r, 422, field="period")


async def test_r17_the_approver_approves_exactly_the_proposed_split(platform):
    s = await project_with_shares(platform, units=[1, 1])
    d = await post(
        platform,
        "/distributions",
        {"project_id": s["project"], "period": "2026", "total_fen": 10_000, "paid_on": "2026-12-31"},
        headers=cadre(platform, s["village"], "a"),
    )
    late = await make_household(platform, s["village"])
    await post(platform, f"/projects/{s['project']}/shares", {"household_id": late, "units": 5})  # after the proposal
    approved = await post(platform, f"/distributions/{d['id']}/approve", {}, headers=cadre(platform, s["village"]), expect=200)
    assert approved["split"] == d["split"] and late not in {line["household_id"] for line in approved["split"]}
    lines = (await platform.client.get(f"{V1}/households/{late}/income-lines", headers=platform.admin)).json()["items"]
    assert lines == []

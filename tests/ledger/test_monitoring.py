"""The early warning (防返贫动态监测, issue #17 item 2): each flag kind raised by the fact that breaks its link,
and cleared by the monitoring lifecycle (identified → assisted → removal proposed → risk removed, maker-checker)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from services.ledger.models import PolicyFact, col
from shared.events.income import BenefitType, Lineage
from shared.ids import new_id
from tests.helpers import eventually, village_code
from tests.ledger.support import append, fact, household, income, village

B = BenefitType
COUNTY = "440282"  # 南雄市
AS_OF = "2026-11-15"


async def _flags(platform: Any, code: str, *, as_of: str = AS_OF, include_removed: bool = False) -> dict[str, dict[str, Any]]:
    params = {"as_of": as_of, "limit": 100, "include_removed": str(include_removed).lower()}
    r = await platform.client.get(f"/ledger/v1/monitoring/villages/{code}", params=params, headers=platform.admin)
    assert r.status_code == 200, r.text
    return {h["household_id"]: h for h in r.json()["items"]}


def _kinds(listed: dict[str, dict[str, Any]], household_id: str) -> set[str]:
    return {f["kind"] for f in listed.get(household_id, {}).get("flags", [])}


async def _event_id(platform: Any, fact_name: str, subject: str) -> str:
    async with platform.context("ledger").sessionmaker() as session:
        found = (await session.execute(select(col(PolicyFact.event_id)).where(col(PolicyFact.fact) == fact_name, col(PolicyFact.subject) == subject))).scalar()
    assert found, (fact_name, subject)
    return str(found)


async def test_each_flag_kind_is_raised_by_the_fact_that_breaks_the_link_then_cleared_by_the_lifecycle(platform):
    code = village_code(COUNTY)
    homes = {k: household(code, members=1) for k in ("employment", "contract", "loan", "lease", "asset", "training", "low", "near", "drop", "none")}
    homes["low"] = household(code, members=3)
    await append(platform, village(code, ["province_poor"]), *homes.values())
    employment, contract, loan, lease, asset, member = (new_id() for _ in range(6))
    h = {k: v.household_id for k, v in homes.items()}
    enough = 2_000_000  # 20,000 yuan for a one-person household: well above 1.5× the line, so only the link is flagged
    await append(
        platform,
        *[income(homes[k], B.wage_labor, enough, date(2026, 10, 1)) for k in ("employment", "contract", "loan", "lease", "asset", "training")],
        fact("fupin.households.employment_started.v1", employment_id=employment, household_id=h["employment"], village_code=code, started_on="2026-03-01"),
        fact(
            "fupin.market.order_contract_signed.v1",
            contract_id=contract, household_id=h["contract"], village_code=code, starts_on="2026-01-01", ends_on="2026-10-31",
        ),
        fact("fupin.funds.loan_granted.v1", loan_id=loan, household_id=h["loan"], village_code=code, granted_on="2025-03-01", term_months=36),
        fact("fupin.funds.lease_back_agreed.v1", lease_back_id=lease, household_id=h["lease"], village_code=code, start_on="2025-03-01", end_on="2026-08-31"),
        income(homes["asset"], B.asset_income, 50_000, date(2025, 9, 30), lineage=Lineage(asset_id=asset)),
        fact(
            "fupin.training.labourer_compliance_changed.v1",
            member_id=member, household_id=h["training"], village_code=code, year=2024, status="on_track", counted_sessions=2, consecutive_years=1,
        ),
        income(homes["low"], B.wage_labor, 30_000, date(2026, 9, 1)),  # 100 yuan a person in a year: below the line
        income(homes["near"], B.wage_labor, 800_000, date(2026, 9, 1)),  # 8,000 yuan: above 6,900, below 1.5×
        *[income(homes["drop"], B.wage_labor, 1_000_000, date(2025, m, 5)) for m in (2, 4, 6)],
        income(homes["drop"], B.wage_labor, 1_500_000, date(2026, 4, 5)),  # half of last year's Jan–Nov
        income(homes["drop"], B.wage_labor, 3_000_000, date(2025, 12, 5)),
    )  # fmt: skip

    async def before_the_breaks() -> dict[str, dict[str, Any]]:
        listed = await _flags(platform, code)
        assert {"below_line", "no_income"} <= _kinds(listed, h["none"]) and _kinds(listed, h["low"]) == {"below_line"}
        assert "order_contract_expired" in _kinds(listed, h["contract"]) and "asset_income_stopped" in _kinds(listed, h["asset"])
        return listed

    listed = await eventually(before_the_breaks)
    # An order contract in force, or the day before its asset's income was due, raises nothing.
    earlier = await _flags(platform, code, as_of="2026-10-15")
    assert h["contract"] not in earlier and h["asset"] not in earlier and h["employment"] not in listed and h["loan"] not in listed
    await append(
        platform,
        fact("fupin.households.employment_ended.v1", employment_id=employment, household_id=h["employment"], village_code=code, ended_on="2026-10-31"),
        fact("fupin.funds.loan_marked_overdue.v1", loan_id=loan, household_id=h["loan"], overdue_since="2026-09-01"),
    )

    expected = {
        "employment": "employment_ended", "contract": "order_contract_expired", "loan": "loan_overdue", "lease": "lease_back_ended",
        "asset": "asset_income_stopped", "training": "training_run_broken", "low": "below_line", "near": "near_line", "drop": "income_drop",
        "none": "no_income",
    }  # fmt: skip

    async def raised() -> dict[str, dict[str, Any]]:
        listed = await _flags(platform, code)
        for key, kind in expected.items():
            assert kind in _kinds(listed, h[key]), (key, listed.get(h[key]))
        return listed

    listed = await eventually(raised)
    cites = {f["kind"]: f for home in listed.values() for f in home["flags"]}
    assert cites["employment_ended"]["evidence"][-1] == await _event_id(platform, "employment_ended", employment)
    assert cites["loan_overdue"]["evidence"][-1] == await _event_id(platform, "loan_marked_overdue", loan)
    assert cites["order_contract_expired"]["evidence"] == [await _event_id(platform, "order_contract_signed", contract)]
    assert cites["lease_back_ended"]["raised_on"] == "2026-09-01" and cites["employment_ended"]["raised_on"] == "2026-10-31"
    assert cites["training_run_broken"]["numbers"]["run_years"] == 1
    assert cites["income_drop"]["numbers"]["drop_bp"] == 5000
    assert all(f["status"] == "open" for home in listed.values() for f in home["flags"])
    # Most severe first: the high-severity households (below the line, no income, a loan overdue) lead the list.
    severities = [home["severity"] for home in listed.values()]
    assert severities == sorted(severities, reverse=True) and severities[0] == 3

    # The household's file cites the income entries behind its income flag.
    r = await platform.client.get(f"/ledger/v1/monitoring/households/{h['low']}", params={"as_of": AS_OF}, headers=platform.admin)
    assert r.status_code == 200, r.text
    (low,) = r.json()["household"]["flags"]
    assert low["kind"] == "below_line" and len(low["evidence"]) == 1 and low["numbers"]["per_capita_fen"] == 10_000

    cadre = platform.as_("village_cadre", code, subject="cadre-a")
    other = platform.as_("township_officer", code[:9], subject="officer-b")
    for key, kind in expected.items():
        flag = next(f for f in listed[h[key]]["flags"] if f["kind"] == kind)
        r = await platform.client.post(f"/ledger/v1/monitoring/households/{h[key]}/cases", json={"flags": [flag["flag_id"]], "as_of": AS_OF}, headers=cadre)
        assert r.status_code == 201, r.text
        case = r.json()["case_id"]
        assert r.json()["status"] == "identified"
        assert (await _flags(platform, code))[h[key]]["flags"][0]["status"] == "identified"
        r = await platform.client.post(f"/ledger/v1/monitoring/cases/{case}/assistance", json={"measure": "安排公益性岗位"}, headers=cadre)
        assert r.status_code == 200 and r.json()["status"] == "assisted", r.text
        r = await platform.client.post(f"/ledger/v1/monitoring/cases/{case}/removal", json={"note": "收入稳定"}, headers=cadre)
        assert r.status_code == 200 and r.json()["status"] == "removal_proposed", r.text
        r = await platform.client.post(f"/ledger/v1/monitoring/cases/{case}/removal/approval", headers=cadre)
        assert r.status_code == 403, r.text  # maker-checker: the proposer cannot approve
        r = await platform.client.post(f"/ledger/v1/monitoring/cases/{case}/removal/approval", headers=other)
        assert r.status_code == 200 and r.json()["status"] == "risk_removed" and r.json()["removed_by"] == "officer-b", r.text

    assert not set(h.values()) & set(await _flags(platform, code))
    cleared = await _flags(platform, code, include_removed=True)
    for key, kind in expected.items():
        flag = next(f for f in cleared[h[key]]["flags"] if f["kind"] == kind)
        assert flag["status"] == "risk_removed" and flag["status_by"] == "officer-b", (key, flag)
        assert cleared[h[key]]["severity"] == 0


async def test_a_case_cites_only_current_flags_and_the_lifecycle_only_moves_forward(platform):
    code = village_code(COUNTY)
    home = household(code, members=2)
    await append(platform, village(code), home)
    cadre = platform.as_("village_cadre", code, subject="cadre-c")

    async def flagged() -> None:
        assert "no_income" in _kinds(await _flags(platform, code), home.household_id)

    await eventually(flagged)
    url = f"/ledger/v1/monitoring/households/{home.household_id}/cases"
    r = await platform.client.post(url, json={"flags": ["loan_overdue:x:y"], "as_of": AS_OF}, headers=cadre)
    assert r.status_code == 422 and r.json()["field"] == "flags[0]", r.text
    flags = [f["flag_id"] for f in (await _flags(platform, code))[home.household_id]["flags"]]
    r = await platform.client.post(url, json={"flags": flags, "as_of": AS_OF}, headers=cadre)
    assert r.status_code == 201, r.text
    case = r.json()["case_id"]
    r = await platform.client.post(url, json={"flags": flags, "as_of": AS_OF}, headers=cadre)
    assert r.status_code == 409, r.text  # one open case per household
    r = await platform.client.post(f"/ledger/v1/monitoring/cases/{case}/removal/approval", headers=platform.admin)
    assert r.status_code == 409, r.text  # nothing proposed yet
    auditor = platform.as_("auditor", subject="auditor-1")
    r = await platform.client.post(f"/ledger/v1/monitoring/cases/{case}/assistance", json={"measure": "x"}, headers=auditor)
    assert r.status_code == 403, r.text
    elsewhere = platform.as_("village_cadre", village_code(COUNTY), subject="cadre-d")
    r = await platform.client.get(f"/ledger/v1/monitoring/villages/{code}", params={"as_of": AS_OF}, headers=elsewhere)
    assert r.status_code == 404, r.text
    r = await platform.client.get(f"/ledger/v1/monitoring/counties/{COUNTY}", params={"as_of": AS_OF}, headers=platform.as_("county_officer", COUNTY))
    assert r.status_code == 200 and home.household_id in {i["household_id"] for i in r.json()["items"]} or r.json()["next_cursor"], r.text

    async with platform.context("ledger").sessionmaker() as session:
        outbox = platform.context("ledger").spec.metadata.tables["outbox"]
        types = list((await session.execute(select(outbox.c.type).where(outbox.c.subject == case))).scalars())
    assert types == ["fupin.ledger.monitoring_case_identified.v1"]

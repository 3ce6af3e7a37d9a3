"""The household file read model (issue #14, household screen): one request, the ledger's own figures.

Members with labour, R7 standing and employment; the year's income by type (``/households/{id}/income``),
by month (``?month=``) and by source, each source naming the fund that paid it — directly, through its
allocation, its project, or the entity's funded project. A fixed number of statements.
"""

from __future__ import annotations

from datetime import date

from shared.events.income import BenefitType, Lineage
from shared.ids import new_id
from tests.helpers import eventually, village_code
from tests.ledger.support import append, fact, household, income, member, village
from tests.ledger.test_views import _statements

B = BenefitType
YEAR = {"year": 2026}


async def _scenario(platform, county: str = "440222"):
    code = village_code(county)
    h = household(code, members=3, labour=2)
    head = member(h).model_copy(update={"name": "户主甲", "relation": "head"})
    spouse = member(h).model_copy(update={"name": "配偶乙", "relation": "spouse", "sex": "female"})
    child = member(h, labour="none").model_copy(update={"name": "子女丙", "relation": "child"})
    fund, alloc, entity, project = new_id(), new_id(), new_id(), new_id()
    await append(
        platform,
        village(code, ["province_poor"]),
        h,
        head,
        spouse,
        child,
        fact("fupin.funds.fund_received.v1", fund_id=fund, name="2026年省级专项资金（测试）", county_code=county),
        fact("fupin.funds.entity_registered.v1", entity_id=entity, name="测试茶叶合作社", county_code=county, village_codes=[code]),
        fact(
            "fupin.funds.allocation_recorded.v1",
            allocation_id=alloc,
            fund_id=fund,
            county_code=county,
            village_code=code,
            recipient_id=entity,
            entity_id=entity,
        ),
        fact("fupin.funds.project_registered.v1", project_id=project, name="测试茶园", village_code=code, entity_id=entity, funded_by=[alloc]),
        fact(
            "fupin.households.employment_started.v1",
            employment_id=new_id(),
            member_id=spouse.member_id,
            household_id=h.household_id,
            village_code=code,
            entity_id=entity,
            post="茶园管护",
        ),
        fact(
            "fupin.training.labourer_compliance_changed.v1",
            member_id=spouse.member_id,
            household_id=h.household_id,
            village_code=code,
            year=2026,
            status="behind",
            counted_sessions=1,
            consecutive_years=0,
            has_skill=False,
        ),
    )
    direct = new_id()
    await append(
        platform,
        income(h, B.wage_labor, 120_000, date(2026, 4, 30), lineage=Lineage(entity_id=entity, employment_id=new_id())),
        income(h, B.wage_labor, 80_000, date(2026, 5, 31), lineage=Lineage(entity_id=entity, employment_id=new_id())),
        income(h, B.equity_dividend, 52_050, date(2026, 6, 30), lineage=Lineage(fund_id=direct, project_id=project, distribution_id=new_id())),
        income(h, B.lease_back, 30_000, date(2026, 6, 1), lineage=Lineage(project_id=project)),
        income(h, B.policy_support, 9_000, date(2026, 7, 1), lineage=Lineage(subsidy_id=new_id())),
        income(h, B.wage_labor, 1_000, date(2025, 12, 31), lineage=Lineage(entity_id=entity)),  # another year
    )
    return code, h, (head, spouse, child), (fund, entity, project, direct)


async def test_the_household_file_in_one_request_equals_the_ledgers_own_reads(platform):
    code, h, (head, spouse, child), (fund, entity, project, direct) = await _scenario(platform)
    url = f"/ledger/v1/views/households/{h.household_id}"

    async def settled() -> dict:
        r = await platform.client.get(url, params=YEAR, headers=platform.admin)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total_fen"] == 120_000 + 80_000 + 52_050 + 30_000 + 9_000 and len(body["people"]) == 3
        assert any(p["employment"] for p in body["people"])
        return body

    body = await eventually(settled)
    own = (await platform.client.get(f"/ledger/v1/households/{h.household_id}/income", params=YEAR, headers=platform.admin)).json()
    assert (body["by_type"], body["total_fen"], body["members"], body["per_capita_fen"]) == (
        own["by_type"],
        own["total_fen"],
        own["household_size"],
        own["per_capita_fen"],
    )
    assert body["head_name"] == "户主甲" and body["people"][0]["member_id"] == head.member_id
    for month in (4, 6, 7, 8):
        m = (await platform.client.get(f"/ledger/v1/households/{h.household_id}/income", params=YEAR | {"month": month}, headers=platform.admin)).json()
        shown = body["by_month"][month - 1]
        assert shown["month"] == month and shown["by_type"] == m["by_type"] and shown["total_fen"] == m["total_fen"]
    assert [m["month"] for m in body["by_month"]] == list(range(1, 13))

    people = {p["member_id"]: p for p in body["people"]}
    assert people[spouse.member_id]["relation"] == "spouse" and people[spouse.member_id]["labourer"] is True
    assert people[spouse.member_id]["training"]["status"] == "behind"  # training's verdict, as R7 reads it
    assert people[spouse.member_id]["employment"][0]["entity_name"] == "测试茶叶合作社"
    assert people[child.member_id]["labourer"] is False and people[child.member_id]["training"] is None
    # A labourer without sessions: training itself files them as behind once it learns of them (None until then).
    assert people[head.member_id]["training"]["status"] in (None, "behind") and people[head.member_id]["training"]["sessions"] == 0

    sources = {(s["benefit_type"], s["fund_via"]): s for s in body["sources"]}
    wage = sources[("wage_labor", "entity")]
    assert wage["amount_fen"] == 200_000 and wage["entries"] == 2 and wage["fund_ids"] == [fund]
    assert wage["fund_names"] == ["2026年省级专项资金（测试）"] and wage["entity_name"] == "测试茶叶合作社"
    assert sources[("equity_dividend", "line")]["fund_ids"] == [direct]  # the line's own fund wins
    lease = sources[("lease_back", "project")]
    assert lease["fund_ids"] == [fund] and lease["project_name"] == "测试茶园" and lease["entity_id"] == entity
    assert sources[("policy_support", None)]["fund_ids"] == []  # nothing the facts give
    assert sum(s["amount_fen"] for s in body["sources"]) == body["total_fen"]

    # The income entries themselves name their fund the same way (the entries read, paged).
    entries = (await platform.client.get(f"/ledger/v1/households/{h.household_id}/income/entries", params=YEAR, headers=platform.admin)).json()["items"]
    named = {(e["benefit_type"], e["fund_via"]): e["fund_ids"] for e in entries}
    assert named[("wage_labor", "entity")] == [fund] and named[("lease_back", "project")] == [fund]
    assert named[("equity_dividend", "line")] == [direct] and named[("policy_support", None)] == []


async def test_the_household_file_runs_five_statements_and_is_scoped(platform):
    code, h, _, _ = await _scenario(platform, "440224")
    url = f"/ledger/v1/views/households/{h.household_id}"

    async def settled() -> None:
        r = await platform.client.get(url, params=YEAR, headers=platform.admin)
        assert r.status_code == 200 and r.json()["total_fen"] > 0

    await eventually(settled)
    assert await _statements(platform, url) == 5
    other = platform.as_("county_officer", "440281")
    assert (await platform.client.get(url, params=YEAR, headers=other)).status_code == 404
    cadre = platform.as_("village_cadre", code)
    assert (await platform.client.get(url, params=YEAR, headers=cadre)).status_code == 200
    r = await platform.client.get(url, params=YEAR | {"colour": "red"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["code"] == "unknown_query_parameter"

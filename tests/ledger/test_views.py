"""The read models (issue #13 item 4): a village's dashboard and a county's overview, each in one request.

Their figures are held to the ledger's own reads: each household's to ``/households/{id}/income``,
each village's to ``/aggregates?level=village`` and ``/indicators/villages/{code}``. The county
overview's statement count does not grow with its villages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.events.households import HouseholdHeadChanged, MemberUpdated
from shared.events.income import BENEFIT_TYPES, BenefitType
from tests.helpers import eventually, village_code
from tests.ledger.support import append, household, income, member, projection_reads, village

B = BenefitType
YEAR = {"year": 2026}


def head(h: Any, name: str) -> Any:
    return member(h).model_copy(update={"name": name, "relation": "head"})


class Requests:
    """The requests a screen makes: the count is the assertion."""

    def __init__(self, platform: Any) -> None:
        self.platform = platform
        self.count = 0

    async def get(self, url: str, **kw: Any) -> Any:
        self.count += 1
        r = await self.platform.client.get(url, **kw)
        assert r.status_code == 200, r.text
        return r.json()


async def _village_of_ten(platform: Any, county: str) -> tuple[str, list[Any], dict[str, str]]:
    code = village_code(county)
    homes = [household(code, members=1 + i % 4, labour=i % 3) for i in range(10)]
    heads = [head(h, f"户主{i}") for i, h in enumerate(homes)]
    await append(platform, village(code, ["province_poor"]), *homes, *heads)
    # One household's head changes to another member, one head is renamed; one household earns nothing.
    spouse = member(homes[1]).model_copy(update={"name": "新户主"})
    await append(platform, spouse)
    await append(
        platform,
        HouseholdHeadChanged(
            household_id=homes[1].household_id, village_code=code, head_member_id=spouse.member_id,
            previous_head_member_id=heads[1].member_id, effective_on=date(2026, 6, 1),
        ),
        MemberUpdated(
            member_id=heads[2].member_id, household_id=homes[2].household_id, village_code=code, labour_capacity="full", wishes_to_work_away=False,
            is_party_member=False, is_village_cadre=False, effective_on=date(2026, 6, 1), changed=["name"], name="改名户主",
        ),
    )  # fmt: skip
    lines = []
    for i, h in enumerate(homes[:-1]):
        benefit = list(B)[i % 6]
        lines += [income(h, benefit, 1000 * (i + 1) + 7), income(h, B.wage_labor, 333 * i)]
    lines.append(income(homes[0], B.equity_dividend, 500, on=date(2025, 12, 31)))  # another year: not counted
    await append(platform, *lines)
    names = {h.household_id: f"户主{i}" for i, h in enumerate(homes)} | {homes[1].household_id: "新户主", homes[2].household_id: "改名户主"}
    return code, homes, names


async def test_a_ten_household_village_dashboard_in_one_request_equals_each_households_income(platform):
    code, homes, names = await _village_of_ten(platform, "440229")
    url = f"/ledger/v1/views/villages/{code}/households"

    async def settled() -> dict:
        r = await platform.client.get(url, params=YEAR, headers=platform.admin)
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["items"]) == 10 and sum(i["total_fen"] for i in body["items"]) == sum(1000 * (i + 1) + 7 + 333 * i for i in range(9))
        assert {i["household_id"]: i["head_name"] for i in body["items"]} == names
        return body

    await eventually(settled)
    screen = Requests(platform)
    body = await screen.get(url, params=YEAR, headers=platform.admin)
    assert screen.count == 1 and body["next_cursor"] is None  # the dashboard: one request (issue #13: at most 3)
    by_id = {h.household_id: h for h in homes}
    for item in body["items"]:
        r = await platform.client.get(f"/ledger/v1/households/{item['household_id']}/income", params=YEAR, headers=platform.admin)
        own = r.json()
        assert item["by_type"] == own["by_type"] and set(item["by_type"]) == set(BENEFIT_TYPES)
        assert (item["total_fen"], item["members"], item["per_capita_fen"]) == (own["total_fen"], own["household_size"], own["per_capita_fen"])
        assert item["household_number"] == by_id[item["household_id"]].household_number
    earning = [i for i in body["items"] if i["total_fen"]]
    assert any(i["per_capita_fen"] * i["members"] != i["total_fen"] for i in earning), "no household shows the floor"
    assert all(i["per_capita_fen"] == i["total_fen"] // i["members"] for i in earning)

    # Paged like the other lists: 4 + 4 + 2, the same households.
    pages, cursor = [], None
    while True:
        params = YEAR | {"limit": 4} | ({"cursor": cursor} if cursor else {})
        page = await platform.client.get(url, params=params, headers=platform.admin)
        pages.append(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert [len(p) for p in pages] == [4, 4, 2] and [i for p in pages for i in p] == body["items"]


async def test_the_dashboard_is_scoped_like_the_ledgers_reads_and_refuses_unknown_parameters(platform):
    code = village_code("440233")
    other = village_code("440233")
    h = household(code)
    await append(platform, village(code), h, head(h, "张某"))
    url = f"/ledger/v1/views/villages/{code}/households"

    async def seen(headers: dict[str, str]) -> list[dict]:
        r = await platform.client.get(url, params=YEAR, headers=headers)
        assert r.status_code == 200, r.text
        assert [i["head_name"] for i in r.json()["items"]] == ["张某"]
        return r.json()["items"]

    await eventually(lambda: seen(platform.as_("village_cadre", code)))
    await seen(platform.as_("county_officer", "440233"))
    for headers in (platform.as_("village_cadre", other), platform.as_("county_officer", "440232")):
        r = await platform.client.get(url, params=YEAR, headers=headers)
        assert r.status_code == 404, r.text
    r = await platform.client.get(url, params=YEAR | {"sort": "name"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "sort"
    r = await platform.client.get(f"/ledger/v1/views/villages/{code[:9]}/households", params=YEAR, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "code"
    r = await platform.client.get(url, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "year"


def verdicts(indicators: list[dict]) -> list[dict]:
    return [{k: i[k] for k in ("rule", "status", "numbers", "note")} for i in indicators]


async def test_a_county_overview_equals_the_per_village_endpoints_for_each_of_its_villages(platform):
    county = "440222"
    code_a, _, _ = await _village_of_ten(platform, county)
    code_b = village_code(county)
    hb = household(code_b, members=3)
    await append(platform, village(code_b, ["relatively_poor_dongguan"]), hb, head(hb, "李某"), income(hb, B.lease_back, 12345))
    url = f"/ledger/v1/views/counties/{county}/villages"

    async def settled() -> dict:
        r = await platform.client.get(url, params=YEAR, headers=platform.admin)
        assert r.status_code == 200, r.text
        got = {v["village_code"]: v for v in r.json()["villages"]}
        assert got.get(code_a, {}).get("households") == 10 and got.get(code_b, {}).get("total_fen") == 12345
        assert got[code_b]["households"] == 1 and got[code_b]["name"] == "测试村"  # households and funds are two logs: wait for both
        return got

    await eventually(settled)
    screen = Requests(platform)
    body = await screen.get(url, params=YEAR, headers=platform.as_("county_officer", county))
    assert screen.count == 1 and body["county_code"] == county
    got = {v["village_code"]: v for v in body["villages"]}
    assert list(got) == sorted(got)
    for code in (code_a, code_b):
        agg = (await platform.client.get("/ledger/v1/aggregates", params={"level": "village", "code": code, "year": 2026}, headers=platform.admin)).json()
        ind = (await platform.client.get(f"/ledger/v1/indicators/villages/{code}", params=YEAR, headers=platform.admin)).json()
        v = got[code]
        assert (v["households"], v["people"], v["by_type"], v["total_fen"], v["per_capita_fen"]) == (
            agg["households"], agg["people"], agg["by_type"], agg["total_fen"], agg["per_capita_fen"],
        )  # fmt: skip
        assert v["households_without_income"] == agg["households_without_income"]["count"]
        # The same verdicts as the village's own read; the evidence is that read's (an overview of a county carries none).
        assert verdicts(v["indicators"]) == verdicts(ind["indicators"]) and v["categories"] == ind["categories"]
        assert all(i["evidence"] == [] and i["evidence_items"]["items"] == [] for i in v["indicators"])
        assert v["name"] == "测试村"
    assert got[code_a]["households_without_income"] == 1 and got[code_b]["categories"] == ["relatively_poor_dongguan"]


async def test_the_county_overview_is_refused_out_of_scope(platform):
    url = "/ledger/v1/views/counties/440222/villages"
    for headers in (platform.as_("county_officer", "440232"), platform.as_("village_cadre", village_code("440222"))):
        r = await platform.client.get(url, params=YEAR, headers=headers)
        assert r.status_code == 404, r.text
    r = await platform.client.get("/ledger/v1/views/counties/4402/villages", params=YEAR, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "code"
    r = await platform.client.get(url, params=YEAR | {"limit": 5}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "limit"


async def _statements(platform: Any, url: str) -> int:
    return await projection_reads(platform, url, YEAR)


async def test_the_county_overview_runs_as_many_statements_for_six_villages_as_for_two(platform):
    counts = {}
    for county, n in (("440203", 2), ("440204", 6)):
        codes = [village_code(county) for _ in range(n)]
        homes = [household(c, members=2) for c in codes for _ in range(2)]
        await append(platform, *(village(c) for c in codes), *homes, *(income(h, B.wage_labor, 100) for h in homes))

        async def settled(county: str = county, codes: list[str] = codes) -> None:
            r = await platform.client.get(f"/ledger/v1/views/counties/{county}/villages", params=YEAR, headers=platform.admin)
            mine = [v for v in r.json()["villages"] if v["village_code"] in codes]
            assert len(mine) == len(codes) and all(v["total_fen"] == 200 for v in mine)

        await eventually(settled)
        counts[n] = await _statements(platform, f"/ledger/v1/views/counties/{county}/villages")
    # The projections' four (light facts, entity acts, villages, counters) and two grouped sums (households, income by type).
    assert counts[2] == counts[6] == 6, counts
    # The village dashboard too: three statements for its page (households with heads, sizes, sums).
    assert await _statements(platform, f"/ledger/v1/views/villages/{codes[0]}/households") == 3

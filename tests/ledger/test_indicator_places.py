"""Above a village, a village rule is reported as the villages meeting it and those not (issue #17, item 1).

A county (township, the city) no longer "meets" R18 because one of its villages does: it reports the
share of its villages meeting the rule, names them, and names the others. Evidence is typed and paged.
"""

from __future__ import annotations

import re
from typing import Any, get_args

import pytest

from services.ledger import domain, service
from shared.ids import new_id
from tests.helpers import eventually
from tests.ledger import support
from tests.ledger.support import append, fact, household, projection_reads, village

COUNTY = "440233"  # 新丰县


def fresh_township(county: str = COUNTY) -> str:
    return support.fresh_township(county)


def channel(code: str) -> Any:
    return fact("fupin.market.direct_supply_channel_opened.v1", channel_id=new_id(), village_code=code)


async def get(platform: Any, url: str, **params: Any) -> dict[str, Any]:
    r = await platform.client.get(url, params={"year": 2026} | params, headers=platform.admin)
    assert r.status_code == 200, r.text
    return {i["rule"]: i for i in r.json()["indicators"]}


def test_r18_a_place_meets_a_village_rule_only_when_every_village_judged_does():
    t = domain.tally("R18", {"a": "met", "b": "not_met", "c": "no_data"})
    assert (t.status, t.met, t.not_met, t.no_data, t.met_share_bp) == ("not_met", ["a"], ["b"], ["c"], 5000)
    assert domain.tally("R18", {"a": "met", "c": "no_data"}).status == "met"
    assert domain.tally("R18", {"c": "no_data"}).status == "no_data" and domain.tally("R18", {}).met_share_bp == 0


async def test_r18_a_county_with_one_of_two_villages_supplied_reports_one_of_two_and_names_the_other(platform):
    township = fresh_township()
    supplied, bare = f"{township}201", f"{township}202"
    await append(platform, village(supplied), village(bare), household(supplied), household(bare), channel(supplied))

    async def settled() -> dict[str, Any]:
        got = await get(platform, f"/ledger/v1/indicators/townships/{township}")
        assert got["R18"]["numbers"]["places"] == 2 and got["R18"]["numbers"]["met"] == 1, got["R18"]
        return got

    r18 = (await eventually(settled))["R18"]
    assert r18["status"] == "not_met"
    assert r18["places"]["unit"] == "village" and r18["numbers"] == {"places": 2, "met": 1, "not_met": 1, "no_data": 0, "met_share_bp": 5000}
    assert r18["places"]["met"] == [{"code": supplied, "name": "测试村"}] and r18["places"]["not_met"] == [{"code": bare, "name": "测试村"}]
    # The county and the city name both villages on the right side (they hold other tests' villages too).
    for url in (f"/ledger/v1/indicators/counties/{COUNTY}", "/ledger/v1/indicators/cities/4402"):
        r18 = (await get(platform, url))["R18"]
        met = {p["code"] for p in r18["places"]["met"]}
        missing = {p["code"] for p in r18["places"]["not_met"]}
        assert supplied in met and bare in missing and r18["status"] == "not_met", r18
        assert r18["numbers"]["met"] == len(met) and r18["numbers"]["not_met"] == len(missing)
    # R1 is the county's: by county at the city, the county itself below it.
    r1 = (await get(platform, "/ledger/v1/indicators/cities/4402"))["R1"]
    assert r1["places"]["unit"] == "county" and COUNTY in {p["code"] for p in r1["places"]["met"] + r1["places"]["not_met"] + r1["places"]["no_data"]}


async def _statements(platform: Any, url: str) -> int:
    return await projection_reads(platform, url, {"year": 2026})


async def test_a_townships_indicators_cost_as_many_statements_for_six_villages_as_for_two(platform):
    # From the projections: light facts, entity acts, villages, counters (one grouped read over the villages).
    counts = {}
    for n in (2, 6):
        township = fresh_township()
        codes = [f"{township}{201 + i}" for i in range(n)]
        await append(platform, *(village(c) for c in codes), *(household(c) for c in codes), *(channel(c) for c in codes))

        async def settled(township: str = township, n: int = n) -> None:
            assert (await get(platform, f"/ledger/v1/indicators/townships/{township}"))["R18"]["numbers"]["met"] == n

        await eventually(settled)
        counts[n] = await _statements(platform, f"/ledger/v1/indicators/townships/{township}")
    assert counts[2] == counts[6] == 4, counts


async def test_evidence_is_typed_resolvable_and_paged_with_the_cursor_convention(platform):
    township = fresh_township()
    code = f"{township}201"
    homes = [household(code) for _ in range(25)]
    await append(platform, village(code), *homes)

    async def all_there() -> dict[str, Any]:
        got = (await get(platform, f"/ledger/v1/indicators/villages/{code}"))["every_household_has_income_project"]
        assert got["evidence_items"]["count"] == 25, got["evidence_items"]["count"]
        return got

    got = await eventually(all_there)
    first = got["evidence_items"]
    assert len(first["items"]) == 20 and first["next_cursor"] and got["evidence"] == [e["id"] for e in first["items"]]
    one = first["items"][0]
    assert one["kind"] == "household" and one["href"] == f"/households/v1/households/{one['id']}" and one["label"]
    assert routed(platform, one["href"])
    url = f"/ledger/v1/indicators/villages/{code}/evidence/every_household_has_income_project"
    seen: list[str] = []
    cursor = None
    while True:
        r = await platform.client.get(url, params={"year": 2026, "limit": 10} | ({"cursor": cursor} if cursor else {}), headers=platform.admin)
        assert r.status_code == 200, r.text
        seen += [e["id"] for e in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == seen and set(seen) == {h.household_id for h in homes} and len(seen) == 25
    r = await platform.client.get(f"/ledger/v1/indicators/villages/{code}/evidence/R99", params={"year": 2026}, headers=platform.admin)
    assert r.status_code == 404
    r = await platform.client.get(url, params={"year": 2026, "limit": 501}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "limit"


def routed(platform: Any, href: str) -> bool:
    """``href`` is a GET path of the public API, as its OpenAPI states it (the embedded app serves every service's)."""
    path = href.split("?")[0]
    paths = [p for p, ops in platform.app.openapi()["paths"].items() if "get" in ops]
    return any(re.fullmatch(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(p)), path) for p in paths)


async def test_every_kind_of_evidence_has_an_href_the_public_api_serves(platform):
    if platform.mode != "embedded":
        pytest.skip("the embedded app serves every service's routes in one process")
    assert set(service.EVIDENCE_HREF) == set(get_args(domain.EvidenceKind))
    for kind, template in service.EVIDENCE_HREF.items():
        href = template.format(id=new_id(), village="440233900201")
        assert routed(platform, href), (kind, href)


async def test_township_and_city_indicators_are_scoped(platform):
    officer = platform.as_("county_officer", "440222")
    township = fresh_township()
    assert (await platform.client.get(f"/ledger/v1/indicators/townships/{township}", params={"year": 2026}, headers=officer)).status_code == 404
    assert (await platform.client.get("/ledger/v1/indicators/cities/4402", params={"year": 2026}, headers=officer)).status_code == 404
    r = await platform.client.get("/ledger/v1/indicators/townships/44023", params={"year": 2026}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "code"

"""The market and the ledger judge R18–R21 with the same rule (policy.linkage): they never disagree.

A channel, window, station or facility counts only while it is in force: the market asks about a
day, the ledger about a year, and a thing in force on some day of the year counts for that year.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.ledger.models import PolicyFact
from tests.helpers import eventually
from tests.market.helpers import make_village


async def _ledger_has(platform: Any, fact: str, village: str) -> None:
    ctx = platform.context("ledger")

    async def check() -> None:
        async with ctx.sessionmaker() as session:
            found = (await session.execute(select(PolicyFact.event_id).where(PolicyFact.fact == fact, PolicyFact.village_code == village))).first()
            assert found is not None, f"the ledger has no {fact} for {village} yet"

    await eventually(check)


async def _ledger(platform: Any, code: str, year: int) -> dict[str, dict[str, Any]]:
    r = await platform.client.get(f"/ledger/v1/indicators/villages/{code}", params={"year": year}, headers=platform.admin)
    assert r.status_code == 200, r.text
    return {i["rule"]: i for i in r.json()["indicators"]}


async def _market(platform: Any, code: str, on: str) -> dict[str, Any]:
    r = await platform.client.get(f"/market/v1/villages/{code}/market-links", params={"on": on}, headers=platform.admin)
    assert r.status_code == 200, r.text
    return r.json()


async def test_r18_a_channel_valid_only_in_2020_meets_r18_neither_in_the_market_nor_in_the_ledger_in_2027(platform):
    code = await make_village(platform)
    body = {
        "village_code": code,
        "kind": "school_canteen",
        "counterparty": "乳源县第一中学食堂",
        "product": "vegetables",
        "period_start": "2020-01-01",
        "period_end": "2020-12-31",
        "volume": "20000",
        "unit": "kg",
    }
    r = await platform.client.post("/market/v1/direct-supply-channels", json=body, headers=platform.as_("village_cadre", code))
    assert r.status_code == 201, r.text
    await _ledger_has(platform, "direct_supply_channel_opened", code)

    assert (await _market(platform, code, "2020-06-01"))["r18_direct_supply"]["met"] is True
    assert (await _market(platform, code, "2027-06-01"))["r18_direct_supply"]["met"] is False
    assert (await _ledger(platform, code, 2027))["R18"]["status"] == "not_met"


async def test_r19_r20_r21_count_from_the_day_they_open_in_the_market_and_in_the_ledger(platform):
    code = await make_village(platform)
    cadre = platform.as_("village_cadre", code)
    r = await platform.client.post("/market/v1/showcase-windows", json={"village_code": code, "form": "online", "opened_on": "2027-03-01"}, headers=cadre)
    assert r.status_code == 201, r.text
    await _ledger_has(platform, "showcase_window_opened", code)

    assert (await _market(platform, code, "2026-12-31"))["r19_showcase_window"]["met"] is False
    assert (await _market(platform, code, "2027-03-01"))["r19_showcase_window"]["met"] is True
    assert (await _ledger(platform, code, 2026))["R19"]["status"] == "not_met"
    assert (await _ledger(platform, code, 2027))["R19"]["status"] == "met"

"""Builders for the funds tests: villages and households through the households API, everything else through funds."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from services.funds.domain import credit_code_check_char
from tests.helpers import DEFAULT_COUNTY, citizen_id, eventually, unique_number, village_code

V1 = "/funds/v1"
_credit = itertools.count(1)


def credit_code(county: str = DEFAULT_COUNTY) -> str:
    """A fresh, valid unified social credit code (GB 32100 check character)."""
    first17 = f"93{county}MA{next(_credit):07d}"
    return first17 + credit_code_check_char(first17)


async def make_village(platform, *, county: str = DEFAULT_COUNTY, categories: list[str] | None = None) -> str:
    code = village_code(county)
    body = {"code": code, "name": "测试村", "township_name": "测试镇", "categories": categories or ["province_poor"]}
    if any(c.startswith("relatively_poor") for c in body["categories"]):
        body["paired_unit"] = "东莞市某局"
    r = await platform.client.post("/households/v1/villages", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    return code


async def make_household(platform, village: str, *, status: str = "registered_poor") -> str:
    """A household registered with households; returns once the funds service knows it."""
    member = {"name": "邓某", "id_number": citizen_id(village[:6]), "relation": "head", "birth_date": "1980-03-15", "sex": "male", "labour_capacity": "full"}
    body = {"household_number": unique_number(), "village_code": village, "registered_on": "2026-01-01", "poverty_status": status, "members": [member]}
    r = await platform.client.post("/households/v1/households", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    hid = r.json()["id"]

    async def known() -> None:
        r = await platform.client.get(f"{V1}/households/{hid}/income-lines", headers=platform.admin)
        assert r.status_code == 200, r.text

    await eventually(known)
    return hid


def keyed(headers: dict[str, str]) -> dict[str, str]:
    """The headers with a fresh Idempotency-Key, as a client sends with every write that creates money facts."""
    return headers | {"Idempotency-Key": uuid.uuid4().hex}


async def post(platform, path: str, body: dict[str, Any], headers=None, expect: int = 201) -> dict[str, Any]:
    r = await platform.client.post(f"{V1}{path}", json=body, headers=keyed(headers or platform.admin))
    assert r.status_code == expect, r.text
    return r.json()


async def make_entity(platform, *, county: str = DEFAULT_COUNTY, kind: str = "cooperative", villages: list[str] | None = None) -> str:
    body = {"name": "测试合作社", "kind": kind, "credit_code": credit_code(county), "county_code": county, "village_codes": villages or []}
    return (await post(platform, "/entities", body))["id"]


async def make_fund(
    platform, *, county: str = DEFAULT_COUNTY, kind: str = "other_assistance", amount_fen: int = 100_000_000, village: str | None = None
) -> str:
    body = {"kind": kind, "name": "测试资金", "county_code": county, "amount_fen": amount_fen, "received_on": "2026-02-01", "village_code": village}
    return (await post(platform, "/funds", body))["id"]


async def make_allocation(platform, fund_id: str, village: str, *, amount_fen: int = 10_000_000, purpose: str = "industry") -> str:
    body = {
        "fund_id": fund_id,
        "village_code": village,
        "purpose": purpose,
        "recipient_kind": "village_collective",
        "amount_fen": amount_fen,
        "allocated_on": "2026-03-01",
    }
    return (await post(platform, "/allocations", body))["id"]


def project_body(village: str, entity_id: str, funded_by: list[dict[str, Any]] | None = None, *, poor_share_bp: int = 6000, **kw: Any) -> dict[str, Any]:
    return {
        "name": "茶叶基地",
        "village_code": village,
        "industry": "tea",
        "area_tenth_mu": 805,
        "contiguous": True,
        "entity_id": entity_id,
        "led_by": "party_member",
        "funded_by": funded_by or [],
        "agreement": {"signed_on": "2026-03-10", "term_start": "2026-04-01", "term_end": "2031-03-31", "poor_share_bp": poor_share_bp},
        **kw,
    }


async def project_with_shares(
    platform, *, units: list[int], fund_kind: str = "other_assistance", poor_share_bp: int = 6000, categories: list[str] | None = None
) -> dict[str, Any]:
    """A village, an entity, a fund and allocation, a project funded by it and households holding shares."""
    village = await make_village(platform, categories=categories)
    entity = await make_entity(platform, villages=[village])
    fund = await make_fund(platform, kind=fund_kind)
    allocation = await make_allocation(platform, fund, village)
    project = await post(
        platform, "/projects", project_body(village, entity, [{"allocation_id": allocation, "amount_fen": 5_000_000}], poor_share_bp=poor_share_bp)
    )
    households = []
    for n in units:
        hid = await make_household(platform, village)
        await post(platform, f"/projects/{project['id']}/shares", {"household_id": hid, "units": n, "contribution": "funds"})
        households.append(hid)
    return {"village": village, "entity": entity, "fund": fund, "allocation": allocation, "project": project["id"], "households": households}


def problem(r, status: int, *, rule: str | None = None, field: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    if rule is not None:
        assert body.get("rule") == rule, body
    if field is not None:
        assert body.get("field") == field, body
    return body


async def ledger_income(platform, household_id: str, year: int = 2026) -> dict[str, Any]:
    r = await platform.client.get(f"/ledger/v1/households/{household_id}/income", params={"year": year}, headers=platform.admin)
    assert r.status_code == 200, r.text
    return r.json()

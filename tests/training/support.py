"""Building training data through the HTTP API: villages and labourers (via households), courses, sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from tests.helpers import DEFAULT_COUNTY, citizen_id, eventually, unique_number, village_code

BIRTH = date(1985, 5, 1)


@dataclass
class Village:
    code: str
    member_ids: list[str]
    household_id: str


async def labourers(platform: Any, n: int = 1, *, county: str = DEFAULT_COUNTY, labour: str = "full", code: str | None = None) -> Village:
    """A village (new unless ``code``) with one household of ``n`` members, once training knows them."""
    c, h = platform.client, platform.admin
    if code is None:
        code = village_code(county)
        r = await c.post("/households/v1/villages", json={"code": code, "name": f"培训村{code[-3:]}"}, headers=h)
        assert r.status_code == 201, r.text
    members = [
        {
            "name": f"学员{i}",
            "id_number": citizen_id(county, BIRTH),
            "relation": "head" if i == 0 else "child",
            "birth_date": BIRTH.isoformat(),
            "sex": "male",
            "labour_capacity": labour,
        }
        for i in range(n)
    ]
    r = await c.post(
        "/households/v1/households",
        json={"household_number": unique_number(), "village_code": code, "registered_on": "2020-01-01", "members": members},
        headers=h,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    ids = [m["id"] for m in body["members"]]
    for mid in ids:
        await known(platform, mid)
    return Village(code=code, member_ids=ids, household_id=body["id"])


async def known(platform: Any, member_id: str) -> dict[str, Any]:
    """Wait until training has learnt of the member from the households facts."""

    async def check() -> dict[str, Any]:
        r = await platform.client.get(f"/training/v1/members/{member_id}/training-file", headers=platform.admin)
        assert r.status_code == 200, r.text
        return r.json()

    return await eventually(check)


async def course(platform: Any, *, category: str = "agricultural_technique", industry: str = "tea", **extra: Any) -> str:
    body = {"title": f"{industry} 课程", "category": category, "industry": industry, "level": "primary", "post": "学员", "standard_days": 5}
    r = await platform.client.post("/training/v1/courses", json=body | extra, headers=platform.admin)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def session(platform: Any, course_id: str, region: str, start: date, *, length: int = 5, venue_kind: str = "industry_project_area") -> str:
    body = {
        "course_id": course_id,
        "venue_kind": venue_kind,
        "venue_name": "示范基地",
        "region_code": region,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=length - 1)).isoformat(),
        "trainer": "李老师",
    }
    r = await platform.client.post("/training/v1/sessions", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def trained(platform: Any, course_id: str, village: Village, start: date, days: int, *, members: list[str] | None = None, length: int = 5) -> str:
    """A completed session of ``length`` days that the members attended on its first ``days`` days."""
    c, h = platform.client, platform.admin
    members = members or village.member_ids
    sid = await session(platform, course_id, village.code, start, length=max(length, days))
    r = await c.post(f"/training/v1/sessions/{sid}/enrolments", json={"member_ids": members}, headers=h)
    assert r.status_code == 201, r.text
    if days:
        attended = [(start + timedelta(days=i)).isoformat() for i in range(days)]
        r = await c.post(f"/training/v1/sessions/{sid}/attendance", json={"days": attended, "member_ids": members}, headers=h)
        assert r.status_code == 200, r.text
    r = await c.post(f"/training/v1/sessions/{sid}/complete", headers=h)
    assert r.status_code == 200, r.text
    return sid


async def certify(platform: Any, member_id: str, skill: str = "茶叶加工", on: str = "2024-06-01") -> dict[str, Any]:
    r = await platform.client.post(
        "/training/v1/certificates",
        json={"member_id": member_id, "skill": skill, "certified_by": "县农业农村局", "certified_on": on},
        headers=platform.admin,
    )
    assert r.status_code == 201, r.text
    return r.json()


async def training_file(platform: Any, member_id: str, year: int) -> dict[str, Any]:
    r = await platform.client.get(f"/training/v1/members/{member_id}/training-file", params={"year": year}, headers=platform.admin)
    assert r.status_code == 200, r.text
    return r.json()


def year_of(file: dict[str, Any], year: int) -> dict[str, Any]:
    return next(y for y in file["years"] if y["year"] == year)


async def training_facts(platform: Any, event_type: str, **match: Any) -> list[dict[str, Any]]:
    """The ``data`` of facts of ``event_type`` in training's own log (its outbox) matching ``match``."""
    import json

    ctx = platform.context("training")
    outbox = ctx.spec.metadata.tables["outbox"]
    async with ctx.engine.connect() as conn:
        rows = (await conn.execute(select(outbox.c.payload).where(outbox.c.type == event_type).order_by(outbox.c.sequence))).scalars().all()
    out = []
    for payload in rows:
        data = json.loads(payload)["data"]
        if all(data.get(k) == v for k, v in match.items()):
            out.append(data)
    return out


async def behind(platform: Any, year: int, region: str, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every page of the labourers behind on R7 in ``region``."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"year": year, "region": region, "limit": 100}
    while True:
        r = await platform.client.get("/training/v1/labourers/behind", params=params, headers=headers or platform.admin)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        if not r.json()["next_cursor"]:
            return items
        params["cursor"] = r.json()["next_cursor"]

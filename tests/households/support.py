"""Builders for the households tests: villages, households and entities made through the public paths."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from shared.ids import new_id
from tests.helpers import DEFAULT_COUNTY, citizen_id, eventually, unique_number, village_code

V1 = "/households/v1"
_credit = itertools.count(1)


def keyed(headers: dict[str, str]) -> dict[str, str]:
    """The headers with a fresh Idempotency-Key, as money writes (wages) require."""
    return {**headers, "Idempotency-Key": new_id()}


def tomorrow() -> str:
    return (date.today() + timedelta(days=1)).isoformat()


def member(*, relation: str = "head", labour: str = "full", county: str = DEFAULT_COUNTY, **kw: Any) -> dict[str, Any]:
    # Without an explicit birth date the helper's own (varying) one is used, so numbers never repeat.
    birth = kw.pop("birth", None)
    id_number = kw.pop("id_number", None) or citizen_id(county, birth)
    birth = birth or date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return {
        "name": kw.pop("name", "邓某"),
        "id_number": id_number,
        "relation": relation,
        "birth_date": birth.isoformat(),
        "sex": kw.pop("sex", "male"),
        "labour_capacity": labour,
        **kw,
    }


async def make_village(platform, *, county: str = DEFAULT_COUNTY, headers=None, **kw: Any) -> str:
    code = kw.pop("code", None) or village_code(county)
    body = {"code": code, "name": kw.pop("name", "测试村"), "township_name": "测试镇", **kw}
    r = await platform.client.post(f"{V1}/villages", json=body, headers=headers or platform.admin)
    assert r.status_code == 201, r.text
    return code


async def make_household(platform, village: str, *, members=None, headers=None, registered_on: str = "2026-01-01", **kw: Any) -> dict[str, Any]:
    county = village[:6]
    body = {
        "household_number": kw.pop("household_number", None) or unique_number(),
        "village_code": village,
        "registered_on": registered_on,
        "members": members if members is not None else [member(county=county), member(relation="spouse", labour="partial", sex="female", county=county)],
        **kw,
    }
    r = await platform.client.post(f"{V1}/households", json=body, headers=headers or platform.admin)
    assert r.status_code == 201, r.text
    return r.json()


async def outbox_events(platform, event_type: str, subject: str | None = None) -> list[dict[str, Any]]:
    """The households service's own recorded facts of one type (the outbox is its event log)."""
    ctx = platform.context("households")
    table = ctx.spec.metadata.tables["outbox"]
    stmt = select(table.c.payload).where(table.c.type == f"fupin.households.{event_type}.v1")
    if subject is not None:
        stmt = stmt.where(table.c.subject == subject)
    async with ctx.engine.connect() as conn:
        return [json.loads(p) for p in (await conn.execute(stmt.order_by(table.c.sequence))).scalars()]


async def outbox_count(platform) -> int:
    ctx = platform.context("households")
    table = ctx.spec.metadata.tables["outbox"]
    async with ctx.engine.connect() as conn:
        return len((await conn.execute(select(table.c.sequence))).all())


async def register_entity(platform, *, county: str = DEFAULT_COUNTY, villages: list[str] | None = None, name: str = "测试茶叶专业合作社") -> str:
    """Record ``EntityRegistered`` in the funds service's log, as the funds service does, and wait until households knows it."""
    from shared.events.funds import EntityRegistered
    from shared.outbox import emit

    entity_id = new_id()
    credit = f"9344{next(_credit):013d}X"
    ctx = platform.context("funds")
    async with ctx.write_session() as session:
        emit(
            session,
            EntityRegistered(entity_id=entity_id, name=name, kind="cooperative", credit_code=credit, county_code=county, village_codes=villages or []),
        )

    async def known():
        r = await platform.client.get(f"{V1}/entities/{entity_id}", headers=platform.admin)
        assert r.status_code == 200, r.text
        return r.json()

    await eventually(known)
    return entity_id

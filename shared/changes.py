"""A change feed per service, read from its own outbox: ``GET /{service}/v1/changes?since=<cursor>&limit=``.

The outbox's sequence is commit order (an append holds the source's head lock until it commits,
docs/architecture.md), so "every event after sequence n" never skips one that commits late, and a
client that stores ``next_cursor`` and asks again after days offline sees each change exactly once.

An entry names the fact (``type``, the event contract in docs/events.md), its subject and the ids
it concerns — never its data: a client fetches what it needs through the resource's own GET, under
its own scope and masking rules.

Scope: an entry is listed when the caller may read the region (village, else township, else county
code) or the operating entity the event names, as ``shared.auth.can_read`` decides for a resource.
An event that names neither (payment requests, partner registrations) is listed only to roles that
see everything (city admins, auditors): what cannot be placed is not shown, rather than leaked.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from shared.auth import CurrentPrincipal, Principal, can_read
from shared.context import ContextDep, SessionDep
from shared.paging import decode_cursor, encode_cursor
from shared.problems import InvalidInput
from shared.routing import service_router

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Rows read per request at most, whatever the caller may see of them: a village cadre's feed over a
# city's log moves forward in bounded steps (``has_more``) instead of scanning it all at once.
SCAN_LIMIT = 5000
_REGION_FIELDS = ("village_code", "township_code", "county_code", "region_code")


class ChangeOut(BaseModel):
    cursor: str = Field(description="pass as `since` to read what came after this change")
    type: str = Field(description="the fact, as its event contract names it (docs/events.md), e.g. `fupin.households.household_registered.v1`")
    subject: str | None = Field(description="id of the resource the fact is about (a household, a distribution …)")
    ids: dict[str, str] = Field(description="the other ids the fact names: `household_id`, `entity_id`, `village_code` …")
    occurred_at: datetime

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "cursor": "MTI",
                    "type": "fupin.households.household_registered.v1",
                    "subject": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
                    "ids": {"household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f", "village_code": "440232100201"},
                    "occurred_at": "2026-03-01T08:00:00Z",
                }
            ]
        }
    }


class ChangesOut(BaseModel):
    items: list[ChangeOut]
    next_cursor: str = Field(description="store it and pass it as `since` next time; it moves past changes the caller may not see too")
    has_more: bool = Field(description="true when more changes are already there: ask again at once")


def _sources(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The event's data and its income line (a fact that pays a household names its place there)."""
    income = data.get("income")
    return data, income if isinstance(income, dict) else {}


def region_of(data: dict[str, Any]) -> str | None:
    """The most specific division code an event's data names (its own, or its income line's)."""
    for source in _sources(data):
        for name in _REGION_FIELDS:
            value = source.get(name)
            if isinstance(value, str) and value:
                return value
    return None


def entity_of(data: dict[str, Any]) -> str | None:
    for source in _sources(data):
        value = source.get("entity_id")
        if isinstance(value, str) and value:
            return value
    return None


def visible_change(principal: Principal, data: dict[str, Any]) -> bool:
    if principal.sees_everything:
        return True
    region, entity = region_of(data), entity_of(data)
    if region is None and entity is None:
        return False
    return can_read(principal, region=region, entity_id=entity)


def ids_of(data: dict[str, Any]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for source in _sources(data):
        for name, value in source.items():
            if isinstance(value, str) and (name.endswith("_id") or name in _REGION_FIELDS) and name not in ids:
                ids[name] = value
    return ids


def changes_router(service: str) -> APIRouter:
    router = service_router(service, tags=[service])

    @router.get("/changes", response_model=ChangesOut, summary=f"What changed in {service} since a cursor, in commit order")
    async def list_changes(
        session: SessionDep,
        ctx: ContextDep,
        principal: CurrentPrincipal,
        since: Annotated[str | None, Query(max_length=400, description="`next_cursor` of the previous read; omit to start from the beginning")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="changes per answer at most")] = DEFAULT_LIMIT,
    ) -> ChangesOut:
        """The service's facts after `since`, in the order they were committed, limited to what the caller may see.

        Each change is listed once: store `next_cursor` and pass it back as `since`. An entry carries
        ids only; read the resource itself for its current state.
        """
        try:
            after = decode_cursor(since) if since else 0
        except InvalidInput:
            after = None
        if type(after) is not int or after < 0:
            raise InvalidInput("变更游标无效", detail_en="invalid cursor", field="since")
        table = ctx.spec.metadata.tables["outbox"]
        rows = (
            await session.execute(
                select(table.c.sequence, table.c.type, table.c.subject, table.c.time, table.c.payload)
                .where(table.c.sequence > after)
                .order_by(table.c.sequence)
                .limit(SCAN_LIMIT + 1)
            )
        ).all()
        scanned_all = len(rows) <= SCAN_LIMIT
        rows = rows[:SCAN_LIMIT]
        items: list[ChangeOut] = []
        last = after
        for row in rows:
            if len(items) >= limit:
                break
            last = int(row.sequence)
            data = json.loads(row.payload).get("data") or {}
            if not visible_change(principal, data):
                continue
            items.append(ChangeOut(cursor=encode_cursor(last), type=row.type, subject=row.subject, ids=ids_of(data), occurred_at=row.time))
        has_more = bool(rows) and (last < int(rows[-1].sequence) or not scanned_all)
        return ChangesOut(items=items, next_cursor=encode_cursor(last), has_more=has_more)

    return router

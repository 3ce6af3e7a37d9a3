"""Applies facts from the log to the ledger's projections, a batch at a time, with bulk inserts.

The consumer reads each fact as its typed contract (``Delivered.data``) and dispatches it through
``HANDLERS``, keyed by event type, as the other services' consumers do; a fact with an income line
books it, every fact is kept as a policy fact (its data as the log said it). The bulk replay reads
the same envelopes as raw dicts (``Rows.add``, no validation, for speed) under the same field names;
``tests/ledger/test_contract_reading.py`` holds the two paths to the same rows.

Deterministic: every value comes from the event (its envelope time is the "recorded" time), never
from the clock, so a replay rebuilds identical rows. Only inserts and updates, inside the session
it is given; the framework commits them with the consumed event ids.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger.indicator_projection import fold as indicator_fold
from services.ledger.models import (
    HouseholdSize,
    IncomeEntry,
    LedgerHousehold,
    LedgerMember,
    ParkedFact,
    PolicyFact,
    col,
    table_of,
)
from services.ledger.monitoring import projection as monitoring_projection
from shared.bounds import MAX_COUNT, MAX_PAYMENT_FEN
from shared.bus import Delivered
from shared.events.contracts import EventData
from shared.events.households import (
    HouseholdHeadChanged,
    HouseholdLeftRegistry,
    HouseholdRegistered,
    HouseholdSizeChanged,
    HouseholdStatusChanged,
    MemberRegistered,
    MemberUpdated,
)
from shared.events.income import BENEFIT_TYPES, IncomeLine
from shared.regions import county_of, township_of

log = logging.getLogger("fupin.ledger")


def recorded_at(envelope: dict[str, Any]) -> datetime:
    return _instant(str(envelope["time"]))


@lru_cache(maxsize=4096)
def _instant(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


# The order ``income_record`` writes a row in (and the replay COPYs it in); every column of the table.
INCOME_COLUMNS = [
    "event_id", "household_id", "benefit_type", "amount_fen", "occurred_on", "recorded_at", "village_code",
    "township_code", "county_code", "source", "event_type", "lineage", "reverses_event_id",
]  # fmt: skip
assert set(INCOME_COLUMNS) == {c.name for c in table_of(IncomeEntry).columns}, INCOME_COLUMNS
LINEAGE = INCOME_COLUMNS.index("lineage")
_NO_LINEAGE = "{}"


# The keys the raw path asks of every fact, whatever its contract: an income line and its place.
PROBED = ("income", "village_code", "county_code")


class OutOfBounds(ValueError):
    """A fact the projections must not book: a value beyond the bounds every producer's input has (shared/bounds.py)."""


def bounded_amount(value: Any) -> int:
    """An income line's amount: an integer of at most ``MAX_PAYMENT_FEN`` fen either way (a reversal is negative)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise OutOfBounds(f"amount_fen {value!r} is not an integer number of fen")
    if not -MAX_PAYMENT_FEN <= value <= MAX_PAYMENT_FEN:
        raise OutOfBounds(f"amount_fen {value} is beyond ±{MAX_PAYMENT_FEN} (one payment's ceiling)")
    return value


def bounded_count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise OutOfBounds(f"{name} {value!r} is not a count within 0 … {MAX_COUNT}")
    return value


_BENEFIT_TYPES = frozenset(BENEFIT_TYPES)


def bounded_benefit_type(value: Any) -> str:
    """One of the six benefit types (§5): the API answers them as that enum (no ``other``), so no row may hold another."""
    if value not in _BENEFIT_TYPES:
        raise OutOfBounds(f"benefit_type {value!r} is not one of the six benefit types")
    return str(value)


def income_record(envelope: dict[str, Any], income: dict[str, Any]) -> tuple[Any, ...]:
    """One income entry as a row in ``INCOME_COLUMNS`` order; the lineage as canonical JSON text."""
    village = str(income["village_code"])
    if len(village) != 12:
        raise ValueError(f"village code {village!r} is not 12 digits")
    lineage = income.get("lineage")
    return (
        envelope["id"],
        str(income["household_id"]),
        bounded_benefit_type(income["benefit_type"]),
        bounded_amount(income["amount_fen"]),
        _date(income["occurred_on"]),
        _instant(str(envelope["time"])),
        village,
        village[:9],
        village[:6],
        _source(str(envelope["source"])),
        str(envelope["type"]),
        _lineage_text(tuple(lineage.items())) if lineage else _NO_LINEAGE,
        income.get("reverses_event_id"),
    )


@lru_cache(maxsize=65536)
def _lineage_text(items: tuple[tuple[str, Any], ...]) -> str:
    """Canonical JSON of the lineage refs that are set (sorted, compact, as ``fastread`` encodes it); a distribution's lines share theirs, hence the cache."""
    return json.dumps({k: v for k, v in items if v is not None}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=64)
def _source(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


def fact_name(event_type: str) -> str:
    """``fupin.funds.allocation_recorded.v1`` → ``allocation_recorded``."""
    parts = event_type.split(".")
    return parts[2] if len(parts) >= 4 else event_type


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return _day(str(value))


@lru_cache(maxsize=8192)
def _day(text: str) -> date:
    return date.fromisoformat(text)


class Rows:
    """The rows one batch adds or changes, gathered from the raw envelopes."""

    def __init__(self) -> None:
        self.households: list[dict[str, Any]] = []
        self.sizes: list[dict[str, Any]] = []
        self.incomes: list[tuple[Any, ...]] = []  # in INCOME_COLUMNS order: the replay COPYs them as they are
        self.facts: list[dict[str, Any]] = []
        self.parked: list[dict[str, Any]] = []
        # Later facts about a household registered in the same or an earlier batch; applied after inserts.
        self.status: dict[str, str] = {}
        self.left: dict[str, date] = {}
        # Members (their names, for the read models) and heads; renames and head changes applied after inserts.
        self.members: list[dict[str, Any]] = []
        self.names: dict[str, str] = {}
        self.heads: dict[str, str] = {}

    def add(self, envelope: dict[str, Any]) -> None:
        try:
            self._add(envelope)
        except OutOfBounds as exc:
            # Booking it would poison every sum over it (or stall the batch on the column's CHECK): park it.
            self._park(envelope, str(exc))
        except (KeyError, ValueError, TypeError):
            # A fact this version cannot read must not stall the ledger: keep it as said, and log it.
            log.exception("unreadable fact kept as a policy fact", extra={"event_id": envelope.get("id"), "event_type": envelope.get("type")})
            self._fact(envelope, _data(envelope))

    def add_typed(self, envelope: dict[str, Any], fact: EventData) -> None:
        """The consumer's path: the fact as its contract reads it, through ``HANDLERS``."""
        try:
            income = getattr(fact, "income", None)
            if isinstance(income, IncomeLine):
                self.incomes.append(income_row(envelope, income))
                return
            handler = HANDLERS.get(str(envelope["type"]))
            if handler is not None:
                handler(self, envelope, fact)
        except OutOfBounds as exc:
            self._park(envelope, str(exc))
            return
        except (KeyError, ValueError, TypeError):
            log.exception("unreadable fact kept as a policy fact", extra={"event_id": envelope.get("id"), "event_type": envelope.get("type")})
        self._fact(envelope, _data(envelope))

    def _park(self, envelope: dict[str, Any], reason: str) -> None:
        log.warning("fact parked, not booked: %s", reason, extra={"event_id": envelope.get("id"), "event_type": envelope.get("type"), "reason": reason})
        data = envelope.get("data")
        self.parked.append(
            {
                "event_id": envelope["id"],
                "source": _source(str(envelope.get("source"))),
                "event_type": str(envelope.get("type"))[:120],
                "reason": reason[:300],
                "recorded_at": recorded_at(envelope),
                "data": data if isinstance(data, dict) else {},
            }
        )

    def _add(self, envelope: dict[str, Any]) -> None:
        data: dict[str, Any] = envelope.get("data") or {}
        income = data.get("income")
        if isinstance(income, dict):
            self.incomes.append(income_record(envelope, income))
            return
        fact = fact_name(str(envelope["type"]))
        source = str(envelope["source"]).rsplit("/", 1)[-1]
        if source == "households" and fact == "household_registered":
            hid = str(data["household_id"])
            size = _size(envelope, hid, data["registered_on"], data["member_count"], data["labour_count"])
            self.households.append(
                {
                    "household_id": hid,
                    "household_number": data["household_number"],
                    "village_code": data["village_code"],
                    "township_code": township_of(data["village_code"]),
                    "county_code": county_of(data["village_code"]),
                    "poverty_status": data["poverty_status"],
                    "registered_on": _date(data["registered_on"]),
                    "left_on": None,
                    "head_member_id": None,
                }
            )
            self.sizes.append(size)
        elif source == "households" and fact == "household_size_changed":
            self.sizes.append(_size(envelope, str(data["household_id"]), data["effective_on"], data["member_count"], data["labour_count"]))
        elif source == "households" and fact == "household_status_changed":
            self.status[str(data["household_id"])] = str(data["poverty_status"])
        elif source == "households" and fact == "household_left_registry":
            self.left[str(data["household_id"])] = _date(data["effective_on"])  # type: ignore[assignment]  # never None: the contract requires effective_on
        elif source == "households" and fact == "member_registered":
            self.member(str(data["member_id"]), str(data["household_id"]), str(data["name"]), data.get("relation"))
        elif source == "households" and fact == "member_updated":
            if data.get("name") is not None:
                self.names[str(data["member_id"])] = str(data["name"])
        elif source == "households" and fact == "household_head_changed":
            self.heads[str(data["household_id"])] = str(data["head_member_id"])
        self._fact(envelope, data)

    def member(self, member_id: str, household_id: str, name: str, relation: Any) -> None:
        self.members.append({"member_id": member_id, "household_id": household_id, "name": name[:50]})
        if relation == "head":
            self.heads[household_id] = member_id

    async def _fresh_members(self, known_of: Callable[[list[str]], Any]) -> list[dict[str, Any]]:
        """The batch's member rows not yet in the table (a producer's retry registers one twice), the first of each."""
        if not self.members:
            return []
        known = set(await known_of([m["member_id"] for m in self.members]))
        fresh: dict[str, dict[str, Any]] = {}
        for m in self.members:
            if m["member_id"] not in known:
                fresh.setdefault(m["member_id"], m)
        return list(fresh.values())

    def _fact(self, envelope: dict[str, Any], data: dict[str, Any]) -> None:
        event_type = str(envelope["type"])
        village = data.get("village_code") if isinstance(data.get("village_code"), str) else None
        county = data.get("county_code") if isinstance(data.get("county_code"), str) else None
        self.facts.append(
            {
                "event_id": envelope["id"],
                "source": str(envelope["source"]).rsplit("/", 1)[-1],
                "fact": fact_name(event_type),
                "event_type": event_type,
                "subject": envelope.get("subject"),
                "village_code": village,
                "county_code": county or (county_of(village) if village else None),
                "recorded_at": recorded_at(envelope),
                "data": data,
            }
        )

    async def write(self, session: AsyncSession) -> None:
        if self.households:
            # A household registered twice (a producer's retry under a new event id) must not stall the ledger.
            ids = [h["household_id"] for h in self.households]
            known = set((await session.execute(select(col(LedgerHousehold.household_id)).where(col(LedgerHousehold.household_id).in_(ids)))).scalars())
            fresh: dict[str, dict[str, Any]] = {}
            for h in self.households:
                if h["household_id"] not in known:
                    fresh.setdefault(h["household_id"], h)
            if fresh:
                await session.execute(insert(LedgerHousehold), list(fresh.values()))
        if self.sizes:
            await session.execute(insert(HouseholdSize), self.sizes)
        if self.incomes:
            await session.execute(insert(IncomeEntry), [dict(zip(INCOME_COLUMNS, r, strict=True)) | {"lineage": json.loads(r[LINEAGE])} for r in self.incomes])
        if self.facts:
            await session.execute(insert(PolicyFact), self.facts)
        if self.parked:
            await session.execute(insert(ParkedFact), self.parked)

        async def known_members(ids: list[str]) -> list[str]:
            return list((await session.execute(select(col(LedgerMember.member_id)).where(col(LedgerMember.member_id).in_(ids)))).scalars())

        members = await self._fresh_members(known_members)
        if members:
            await session.execute(insert(LedgerMember), members)
        if self.names:
            stmt = update(table_of(LedgerMember)).where(table_of(LedgerMember).c.member_id == bindparam("mid")).values(name=bindparam("name"))
            await session.execute(stmt, [{"mid": m, "name": n[:50]} for m, n in self.names.items()])
        table = table_of(LedgerHousehold)
        if self.heads:
            stmt = update(table).where(table.c.household_id == bindparam("hid")).values(head_member_id=bindparam("head"))
            await session.execute(stmt, [{"hid": h, "head": m} for h, m in self.heads.items()])
        if self.status:
            stmt = update(table).where(table.c.household_id == bindparam("hid")).values(poverty_status=bindparam("status"))
            await session.execute(stmt, [{"hid": h, "status": s} for h, s in self.status.items()])
        if self.left:
            stmt = update(table).where(table.c.household_id == bindparam("hid")).values(left_on=bindparam("on"))
            await session.execute(stmt, [{"hid": h, "on": d} for h, d in self.left.items()])
        await monitoring_projection.apply(session, self)  # the early warning's months, sizes and links
        await indicator_fold.apply(session, self)  # the indicators' light facts, runs and counters

    async def copy(self, raw: Any) -> None:
        """The same rows through PostgreSQL's COPY (asyncpg ``copy_records_to_table``): the replay's fast path."""
        households = self.households
        if households:
            known = {
                r[0]
                for r in await raw.fetch(
                    "SELECT household_id FROM ledger_household WHERE household_id = ANY($1::text[])", [h["household_id"] for h in households]
                )
            }
            fresh: dict[str, dict[str, Any]] = {}
            for h in households:
                if h["household_id"] not in known:
                    fresh.setdefault(h["household_id"], h)
            households = list(fresh.values())

        async def known_members(ids: list[str]) -> list[str]:
            return [r[0] for r in await raw.fetch("SELECT member_id FROM ledger_member WHERE member_id = ANY($1::text[])", ids)]

        members = await self._fresh_members(known_members)
        if self.incomes:
            await raw.copy_records_to_table("income_entry", records=self.incomes, columns=INCOME_COLUMNS)
        tables = ((LedgerHousehold, households), (HouseholdSize, self.sizes), (PolicyFact, self.facts), (ParkedFact, self.parked), (LedgerMember, members))
        for table, rows in tables:
            if not rows:
                continue
            columns = [c.name for c in table_of(table).columns]
            json_columns = {c.name for c in table_of(table).columns if isinstance(c.type, JSON)}
            records = [tuple(json.dumps(r[c], sort_keys=True, ensure_ascii=False) if c in json_columns else r.get(c) for c in columns) for r in rows]
            await raw.copy_records_to_table(table_of(table).name, records=records, columns=columns)
        if self.status:
            await raw.executemany("UPDATE ledger_household SET poverty_status = $2 WHERE household_id = $1", list(self.status.items()))
        if self.left:
            await raw.executemany("UPDATE ledger_household SET left_on = $2 WHERE household_id = $1", list(self.left.items()))
        if self.names:
            await raw.executemany("UPDATE ledger_member SET name = $2 WHERE member_id = $1", [(m, n[:50]) for m, n in self.names.items()])
        if self.heads:
            await raw.executemany("UPDATE ledger_household SET head_member_id = $2 WHERE household_id = $1", list(self.heads.items()))


def _data(envelope: dict[str, Any]) -> dict[str, Any]:
    data = envelope.get("data")
    return data if isinstance(data, dict) else {}


def rows_of(envelopes: Iterable[dict[str, Any]]) -> Rows:
    rows = Rows()
    for envelope in envelopes:
        rows.add(envelope)
    return rows


async def project(session: AsyncSession, batch: list[Delivered]) -> None:
    """The ledger's subscription handler: one batch of typed facts, a handful of bulk statements.

    A fact without typed data (a type this version does not know, or data it could not read) takes
    the raw path, which keeps it as a policy fact or parks it, as the replay does.
    """
    rows = Rows()
    for d in batch:
        if d.data is None:
            rows.add(d.envelope)
        else:
            rows.add_typed(d.envelope, d.data)
    await rows.write(session)


def income_row(envelope: dict[str, Any], line: IncomeLine) -> tuple[Any, ...]:
    """``income_record`` from the typed income line: the same row, by the contract's field names."""
    return income_record(
        envelope,
        {
            "household_id": line.household_id,
            "benefit_type": line.benefit_type.value,
            "amount_fen": line.amount_fen,
            "occurred_on": line.occurred_on,
            "village_code": line.village_code,
            "lineage": line.lineage.__dict__,  # its fields as they are (strings or None): no model_dump per line
            "reverses_event_id": line.reverses_event_id,
        },
    )


def _household_registered(rows: Rows, envelope: dict[str, Any], fact: EventData) -> None:
    assert isinstance(fact, HouseholdRegistered)
    rows.households.append(
        {
            "household_id": fact.household_id,
            "household_number": fact.household_number,
            "village_code": fact.village_code,
            "township_code": township_of(fact.village_code),
            "county_code": county_of(fact.village_code),
            "poverty_status": fact.poverty_status,
            "registered_on": fact.registered_on,
            "left_on": None,
            "head_member_id": None,
        }
    )
    rows.sizes.append(_size(envelope, fact.household_id, fact.registered_on, fact.member_count, fact.labour_count))


def _household_size_changed(rows: Rows, envelope: dict[str, Any], fact: EventData) -> None:
    assert isinstance(fact, HouseholdSizeChanged)
    rows.sizes.append(_size(envelope, fact.household_id, fact.effective_on, fact.member_count, fact.labour_count))


def _household_status_changed(rows: Rows, envelope: dict[str, Any], fact: EventData) -> None:
    assert isinstance(fact, HouseholdStatusChanged)
    rows.status[fact.household_id] = str(fact.poverty_status)


def _household_left(rows: Rows, envelope: dict[str, Any], fact: EventData) -> None:
    assert isinstance(fact, HouseholdLeftRegistry)
    rows.left[fact.household_id] = fact.effective_on


def _member_registered(rows: Rows, envelope: dict[str, Any], fact: EventData) -> None:
    assert isinstance(fact, MemberRegistered)
    rows.member(fact.member_id, fact.household_id, fact.name, fact.relation)


def _member_updated(rows: Rows, envelope: dict[str, Any], fact: EventData) -> None:
    assert isinstance(fact, MemberUpdated)
    if fact.name is not None:
        rows.names[fact.member_id] = fact.name


def _head_changed(rows: Rows, envelope: dict[str, Any], fact: EventData) -> None:
    assert isinstance(fact, HouseholdHeadChanged)
    rows.heads[fact.household_id] = fact.head_member_id


# Event type → what the fact adds to the projections besides its policy fact (income lines apart).
HANDLERS: dict[str, Callable[[Rows, dict[str, Any], EventData], None]] = {
    HouseholdRegistered.event_type: _household_registered,
    HouseholdSizeChanged.event_type: _household_size_changed,
    HouseholdStatusChanged.event_type: _household_status_changed,
    HouseholdLeftRegistry.event_type: _household_left,
    MemberRegistered.event_type: _member_registered,
    MemberUpdated.event_type: _member_updated,
    HouseholdHeadChanged.event_type: _head_changed,
}


def _size(envelope: dict[str, Any], household_id: str, on: Any, members: int, labour: int) -> dict[str, Any]:
    return {
        "event_id": envelope["id"],
        "household_id": household_id,
        "effective_on": _date(on),
        "recorded_at": recorded_at(envelope),
        "member_count": bounded_count("member_count", members),
        "labour_count": bounded_count("labour_count", labour),
    }

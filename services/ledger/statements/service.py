"""Household income statements from the ledger's income entries: a fixed number of statements per request.

A statement is every income entry of the household dated in the year (as ``/households/{id}/income``
sums them), each with its benefit type's clause and the names of what its lineage points at (from
the producers' registration facts), summed by type and per capita. It is fixed by ``known_at``, the
latest recording time among its lines, and a digest of them: the card prints both in its QR code,
and ``verify.check`` recomputes the same lines from the ledger and proves each against the log.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger import domain, service
from services.ledger.models import HouseholdSize, IncomeEntry, LedgerHousehold, LedgerMember, PolicyFact, col
from services.ledger.statements.schemas import LINEAGE_LABELS, Behind, HouseholdStatement, StatementLine
from shared.auth import Principal
from shared.events.envelope import canonical_json
from shared.events.income import BENEFIT_NAMES_ZH, BenefitType
from shared.paging import PageParams, decode_cursor, encode_cursor
from shared.regions import COUNTIES

# Where each benefit type is set out in 韶扶组〔2018〕3号 (§5) and the rule of DOMAIN.md it answers to.
CLAUSES: dict[str, tuple[str, str]] = {
    BenefitType.order_production: ("§5.1", "R12"),
    BenefitType.wage_labor: ("§5.2", "R13"),
    BenefitType.lease_back: ("§5.3", "R14"),
    BenefitType.policy_support: ("§5.4", "R15"),
    BenefitType.asset_income: ("§5.5", "R16"),
    BenefitType.equity_dividend: ("§5.6", "R17"),
}

# One village's cards in one request at the most (a page of them; ``next_cursor`` for the rest): a card costs
# about a third of a second of CPU on a quiet machine, so 50 stay within seconds.
BATCH_LIMIT = 50
# Where a card's QR code leads: the check as a page for people (the same query without ``/page`` answers JSON).
VERIFY_PATH = "/ledger/v1/public/statements/verify/page"


def stamp(at: datetime) -> str:
    """A recording time as the digest and the QR code carry it: UTC, microseconds, ``Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def digest_of(household_id: str, year: int, known_at: datetime | None, lines: list[IncomeEntry]) -> str:
    """128 bits of SHA-256 over what the card states: enough that nobody finds another set of lines with the same code."""
    body = {
        "household_id": household_id,
        "year": year,
        "known_at": stamp(known_at) if known_at else None,
        "lines": [[e.event_id, e.benefit_type, e.occurred_on.isoformat(), e.amount_fen] for e in lines],
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()[:32]


def verification_code(digest: str) -> str:
    return "-".join(digest[i : i + 4].upper() for i in range(0, 12, 4))


def verify_url(base: str, household_id: str, year: int, known_at: datetime | None, digest: str) -> str:
    query: dict[str, Any] = {"household": household_id, "year": year, "digest": digest}
    if known_at is not None:
        query["known_at"] = stamp(known_at)
    return f"{base.rstrip('/')}{VERIFY_PATH}?{urlencode(query)}"


def _ordered(entries: list[IncomeEntry]) -> list[IncomeEntry]:
    return sorted(entries, key=lambda e: (e.occurred_on, e.recorded_at, e.event_id, e.benefit_type))


async def lines_of(
    session: AsyncSession, household_ids: list[str], year: int, *, known_before: datetime | None = None, until: datetime | None = None
) -> dict[str, list[IncomeEntry]]:
    """Each household's entries dated in the year: recorded before ``known_before`` (an as-of day's end) or until ``until`` (inclusive)."""
    start, end = service.period(year, None)
    stmt = select(IncomeEntry).where(
        col(IncomeEntry.household_id).in_(household_ids), col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end
    )
    if known_before is not None:
        stmt = stmt.where(col(IncomeEntry.recorded_at) < known_before)
    if until is not None:
        stmt = stmt.where(col(IncomeEntry.recorded_at) <= until)
    out: dict[str, list[IncomeEntry]] = defaultdict(list)
    for e in (await session.execute(stmt)).scalars():
        out[e.household_id].append(e)
    return {h: _ordered(v) for h, v in out.items()}


async def _sizes(session: AsyncSession, household_ids: list[str], end: date, known_before: datetime | None) -> dict[str, int]:
    """Members at the year's end: each household's latest size row effective before ``end`` (as ``household_income`` reads it)."""
    stmt = select(HouseholdSize).where(col(HouseholdSize.household_id).in_(household_ids), col(HouseholdSize.effective_on) < end)
    if known_before is not None:
        stmt = stmt.where(col(HouseholdSize.recorded_at) < known_before)
    best: dict[str, HouseholdSize] = {}
    for row in (await session.execute(stmt)).scalars():
        held = best.get(row.household_id)
        if held is None or (row.effective_on, row.recorded_at) > (held.effective_on, held.recorded_at):
            best[row.household_id] = row
    return {h: r.member_count for h, r in best.items()}


async def _names(session: AsyncSession, ids: set[str], villages: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Names the producers' facts gave the lineage's subjects (entity, fund, project …) and the villages; the latest wins."""
    subjects: dict[str, str] = {}
    places: dict[str, str] = {}
    if not ids and not villages:
        return subjects, places
    wanted: list[ColumnElement[bool]] = []
    if ids:
        wanted.append(col(PolicyFact.subject).in_(sorted(ids)))
    if villages:
        wanted.append(and_(col(PolicyFact.fact).in_(("village_registered", "village_updated")), col(PolicyFact.village_code).in_(sorted(villages))))
    rows = await session.execute(select(PolicyFact).where(or_(*wanted)).order_by(col(PolicyFact.recorded_at), col(PolicyFact.event_id)))
    for f in rows.scalars():
        data = f.data or {}
        name = data.get("name") or data.get("base_name")
        if not isinstance(name, str) or not name:
            continue
        if f.fact in ("village_registered", "village_updated") and f.village_code in villages:
            places[f.village_code] = name
        elif f.subject in ids:
            subjects[f.subject] = name
    return subjects, places


async def _heads(session: AsyncSession, households: list[LedgerHousehold]) -> dict[str, str]:
    heads = [h.head_member_id for h in households if h.head_member_id]
    if not heads:
        return {}
    rows = await session.execute(select(col(LedgerMember.household_id), col(LedgerMember.name)).where(col(LedgerMember.member_id).in_(heads)))
    return {hid: name for hid, name in rows.all()}


def _behind(lineage: dict[str, str], names: dict[str, str]) -> list[Behind]:
    found = []
    for key, value in (lineage or {}).items():
        kind = key.removesuffix("_id")
        if value and kind in LINEAGE_LABELS:
            found.append(Behind(kind=kind, label=LINEAGE_LABELS[kind], id=str(value), name=names.get(str(value))))
    order = list(LINEAGE_LABELS)
    return sorted(found, key=lambda b: order.index(b.kind))


def _line(e: IncomeEntry, names: dict[str, str]) -> StatementLine:
    clause, rule = CLAUSES.get(e.benefit_type, ("§5", "—"))
    return StatementLine(
        event_id=e.event_id,
        occurred_on=e.occurred_on,
        benefit_type=e.benefit_type,  # type: ignore[arg-type]  # the row holds one of the answer's codes (the table's CHECK, the contract it came from)
        benefit_name=BENEFIT_NAMES_ZH.get(BenefitType(e.benefit_type), e.benefit_type) if e.benefit_type in CLAUSES else e.benefit_type,
        amount_fen=e.amount_fen,
        clause=clause,
        rule=rule,
        source=e.source,
        event_type=e.event_type,
        behind=_behind(e.lineage, names),
        reverses_event_id=e.reverses_event_id,
    )


async def build(session: AsyncSession, households: list[LedgerHousehold], *, year: int, as_of: date | None, base_url: str) -> list[HouseholdStatement]:
    """The statements of several households in five statements, whatever their number."""
    if not households:
        return []
    ids = [h.household_id for h in households]
    known_before = service.known_until(as_of) if as_of is not None else None
    _, end = service.period(year, None)
    lines = await lines_of(session, ids, year, known_before=known_before)
    sizes = await _sizes(session, ids, end, known_before)
    subjects = {str(v) for entries in lines.values() for e in entries for v in (e.lineage or {}).values() if v}
    names, villages = await _names(session, subjects, {h.village_code for h in households})
    heads = await _heads(session, households)
    out = []
    for h in households:
        entries = lines.get(h.household_id, [])
        known_at = max((e.recorded_at for e in entries), default=None)
        by_type = domain.by_type((e.benefit_type, e.amount_fen) for e in entries)
        total = sum(by_type.values())
        members = sizes.get(h.household_id, 0)
        digest = digest_of(h.household_id, year, known_at, entries)
        out.append(
            HouseholdStatement(
                household_id=h.household_id,
                household_number=h.household_number,
                head_name=heads.get(h.household_id),
                village_code=h.village_code,
                village_name=villages.get(h.village_code),
                county_name=COUNTIES.get(h.county_code),
                year=year,
                as_of=as_of,
                known_at=known_at,
                household_size=members,
                lines=[_line(e, names) for e in entries],
                by_type=by_type,
                total_fen=total,
                per_capita_fen=domain.per_capita(total, members),
                digest=digest,
                verification_code=verification_code(digest),
                verify_url=verify_url(base_url, h.household_id, year, known_at, digest),
            )
        )
    return out


async def household_statement(
    *, session: AsyncSession, principal: Principal, household_id: str, year: int, as_of: date | None, base_url: str
) -> HouseholdStatement:
    """One household's statement; a household outside the caller's scope answers 404 like the ledger's other household reads."""
    household = await service._household(session, principal, household_id)
    (statement,) = await build(session, [household], year=year, as_of=as_of, base_url=base_url)
    return statement


async def village_statements(
    *, session: AsyncSession, principal: Principal, code: str, year: int, page: PageParams, base_url: str
) -> tuple[list[HouseholdStatement], str | None]:
    """A page of a village's households on the register during the year (by household id), each with its statement."""
    service._check_place(principal, "village", code)
    start, end = service.period(year, None)
    stmt = select(LedgerHousehold).where(
        col(LedgerHousehold.village_code) == code,
        col(LedgerHousehold.registered_on) < end,
        or_(col(LedgerHousehold.left_on).is_(None), col(LedgerHousehold.left_on) >= start),
    )
    if page.cursor:
        stmt = stmt.where(col(LedgerHousehold.household_id) > str(decode_cursor(page.cursor)))
    limit = min(page.limit, BATCH_LIMIT)
    households = list((await session.execute(stmt.order_by(col(LedgerHousehold.household_id)).limit(limit + 1))).scalars())
    more = len(households) > limit
    households = households[:limit]
    statements = await build(session, households, year=year, as_of=None, base_url=base_url)
    return statements, encode_cursor(households[-1].household_id) if more else None


async def later_lines(session: AsyncSession, household_id: str, year: int, after: datetime | None) -> int:
    """Lines of the year the ledger recorded after a card was printed (it is then out of date, not false)."""
    start, end = service.period(year, None)
    stmt = select(func.count()).where(col(IncomeEntry.household_id) == household_id, col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end)
    if after is not None:
        stmt = stmt.where(col(IncomeEntry.recorded_at) > after)
    return int((await session.execute(stmt)).scalar_one())

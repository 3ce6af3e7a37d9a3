"""The consumer's share of the early warning: each batch's rows folded into the monitoring projections.

Called with the rows ``projector.Rows`` gathered for a batch (by the consumer, ``Rows.write``, and by the
replay, ``audit.replay._copy``), so both paths keep the same tables. Nothing is scanned: a batch adds its
incomes to their households' months, moves sizes forward and merges its link facts, in three upserts;
then the households it touched are re-judged into ``monitoring_flags`` (``current.py``), which the
lists read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.ledger.models import table_of
from services.ledger.monitoring import current
from services.ledger.monitoring.domain import add_months
from services.ledger.monitoring.models import MONTHS, BenefitLink, HouseholdIncomeYear, MonitoringHousehold
from shared.driver import driver_of

if TYPE_CHECKING:
    from services.ledger.projector import Rows

# Indices into an income row (projector.INCOME_COLUMNS).
_EVENT, _HOUSEHOLD, _BENEFIT, _AMOUNT, _ON, _LINEAGE = 0, 1, 2, 3, 4, 11
LINK_COLUMNS = ("kind", "household_id", "village_code", "subject_id", "started_on", "ends_on", "broken_on", "closed_on", "run_years")
LINK_EVENTS = ("started_event_id", "broken_event_id", "closed_event_id")


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def link_facts(fact: str, data: dict[str, Any], event_id: str) -> list[dict[str, Any]]:
    """The partial link rows one policy fact states (none for most facts). Reads the facts as the log said them."""
    hid, village = data.get("household_id"), data.get("village_code")
    if fact == "order_contract_signed":
        return [_link("order_contract", data["contract_id"], hid, village, started_on=data["starts_on"], ends_on=data["ends_on"], started_event_id=event_id)]
    if fact == "employment_started":
        return [_link("employment", data["employment_id"], hid, village, started_on=data["started_on"], started_event_id=event_id)]
    if fact == "employment_ended":
        return [_link("employment", data["employment_id"], hid, village, broken_on=data["ended_on"], broken_event_id=event_id)]
    if fact == "loan_granted":
        granted = _day(data["granted_on"])
        assert granted is not None
        ends = add_months(granted, int(data["term_months"]))
        return [_link("loan", data["loan_id"], hid, village, started_on=granted, ends_on=ends, started_event_id=event_id)]
    if fact == "loan_marked_overdue":
        return [_link("loan", data["loan_id"], hid, None, broken_on=data["overdue_since"], broken_event_id=event_id)]
    if fact == "loan_repaid" and data.get("outstanding_fen") == 0:
        return [_link("loan", data["loan_id"], hid, None, closed_on=data["paid_on"], closed_event_id=event_id)]
    if fact == "lease_back_agreed":
        return [_link("lease_back", data["lease_back_id"], hid, village, started_on=data["start_on"], ends_on=data["end_on"], started_event_id=event_id)]
    if fact == "labourer_compliance_changed":
        year = int(data["year"])
        row = _link("training", f"{data['member_id']}:{year}", hid, village, started_on=date(year, 1, 1), started_event_id=event_id)
        row["run_years"] = int(data["consecutive_years"])
        return [row]
    return []


def _link(kind: str, subject: str, household: Any, village: Any, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys((*LINK_COLUMNS, *LINK_EVENTS))
    row.update(link_key=f"{kind}:{subject}", kind=kind, household_id=household, village_code=village, subject_id=str(subject).split(":")[0])
    for key, value in values.items():
        row[key] = _day(value) if key.endswith("_on") else value
    return row


def _asset_of(lineage_text: str) -> str | None:
    lineage = json.loads(lineage_text) if lineage_text and lineage_text != "{}" else {}
    return lineage.get("asset_id") or lineage.get("land_transfer_id")


def fold(rows: Rows) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The batch reduced to one row per key: months, sizes, links (merged in log order), asset payments (latest)."""
    months: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0] * 12)
    assets: dict[str, dict[str, Any]] = {}
    for r in rows.incomes:
        on: date = r[_ON]
        months[(r[_HOUSEHOLD], on.year)][on.month - 1] += r[_AMOUNT]
        if r[_BENEFIT] == "asset_income" and r[_AMOUNT] > 0:
            asset = _asset_of(r[_LINEAGE])
            if asset:
                key = f"asset:{asset}:{r[_HOUSEHOLD]}"
                best = assets.get(key)
                if best is None or (on, r[_EVENT]) > (best["last_paid_on"], best["last_paid_event_id"]):
                    village = r[6]
                    assets[key] = {
                        "link_key": key,
                        "kind": "asset",
                        "household_id": r[_HOUSEHOLD],
                        "village_code": village,
                        "subject_id": asset,
                        "last_paid_on": on,
                        "last_paid_event_id": r[_EVENT],
                    }
    year_rows = [{"household_id": h, "year": y, **dict(zip(MONTHS, m, strict=True))} for (h, y), m in months.items()]
    sizes: dict[str, dict[str, Any]] = {}
    for s in rows.sizes:
        best = sizes.get(s["household_id"])
        if best is None or (s["effective_on"], s["recorded_at"]) >= (best["size_on"], best["size_at"]):
            sizes[s["household_id"]] = {
                "household_id": s["household_id"],
                "members": s["member_count"],
                "size_on": s["effective_on"],
                "size_at": s["recorded_at"],
            }
    links: dict[str, dict[str, Any]] = {}
    for f in rows.facts:
        try:
            partial = link_facts(f["fact"], f["data"] or {}, f["event_id"])
        except (KeyError, ValueError, TypeError, AssertionError):
            continue  # a fact this reading cannot place is still kept as a policy fact
        for p in partial:
            if not p["household_id"]:
                continue
            merged = links.setdefault(p["link_key"], dict.fromkeys(p))
            merged.update({k: v for k, v in p.items() if v is not None})
    # In key order: two transactions upserting overlapping households (two consumers of one topic's
    # partitions, or the replay's overlapping batches) then take the row locks in the same order and
    # cannot deadlock on them (they did, on household_income_year, in the replay bench).
    year_rows.sort(key=lambda r: (r["household_id"], r["year"]))
    return (
        year_rows,
        sorted(sizes.values(), key=lambda r: r["household_id"]),
        sorted(links.values(), key=lambda r: r["link_key"]),
        sorted(assets.values(), key=lambda r: r["link_key"]),
    )


def _dialect(bind: AsyncSession | AsyncConnection) -> str:
    return bind.dialect.name if isinstance(bind, AsyncConnection) else bind.get_bind().dialect.name


def _insert(bind: AsyncSession | AsyncConnection, model: Any) -> Any:
    table = table_of(model)
    return postgresql.insert(table) if _dialect(bind) == "postgresql" else sqlite.insert(table)


# The months' upsert as PostgreSQL runs it fastest: the batch's rows as one array per column.
_YEAR_UPSERT_PG = (
    f"INSERT INTO household_income_year (household_id, year, {', '.join(MONTHS)}) "
    f"SELECT * FROM unnest($1::text[], $2::integer[], {', '.join(f'${i}::bigint[]' for i in range(3, 3 + len(MONTHS)))}) "
    f"ON CONFLICT (household_id, year) DO UPDATE SET {', '.join(f'{m} = household_income_year.{m} + excluded.{m}' for m in MONTHS)}"
)


# What ``fold`` adds batch by batch from the income rows, from every income entry at once: a bulk load's end
# (``audit.bulk_load``), whose batches are folded without their income rows. Both are functions of the entries
# alone, so they replace what is there. The assets' last payment is the latest (day, event id) of each link,
# in code-point order as ``fold`` compares them.
_MONTHS_FROM_ENTRIES = (
    f"INSERT INTO household_income_year (household_id, year, {', '.join(MONTHS)}) SELECT household_id, year, "
    + ", ".join(f"coalesce(sum(fen) FILTER (WHERE month = {i}), 0)::bigint" for i in range(1, 13))
    # Each household's months summed first (a dozen rows a year), then turned into the year's twelve columns.
    + " FROM (SELECT household_id, extract(year FROM m)::integer AS year, extract(month FROM m)::integer AS month, fen"
    " FROM (SELECT household_id, date_trunc('month', occurred_on) AS m, sum(amount_fen) AS fen FROM income_entry GROUP BY 1, 2) summed) months"
    " GROUP BY 1, 2"
)
_ASSETS_FROM_ENTRIES = """
INSERT INTO benefit_link (link_key, kind, household_id, village_code, subject_id, last_paid_on, last_paid_event_id)
SELECT DISTINCT ON (link_key) link_key, 'asset', household_id, village_code, asset, occurred_on, event_id
FROM (
    SELECT 'asset:' || asset || ':' || household_id AS link_key, asset, household_id, village_code, occurred_on, event_id
    FROM (
        SELECT coalesce(nullif(lineage ->> 'asset_id', ''), nullif(lineage ->> 'land_transfer_id', '')) AS asset,
               household_id, village_code, occurred_on, event_id
        FROM income_entry WHERE benefit_type = 'asset_income' AND amount_fen > 0
    ) paid WHERE asset IS NOT NULL
) keyed
ORDER BY link_key, occurred_on DESC, event_id COLLATE "C" DESC
"""


async def derive_incomes(bind: AsyncConnection) -> None:
    """The months and the assets' last payments from every income entry (PostgreSQL): what ``apply`` folds batch by batch."""
    await bind.exec_driver_sql("DELETE FROM household_income_year")
    await bind.exec_driver_sql(_MONTHS_FROM_ENTRIES)
    await bind.exec_driver_sql("DELETE FROM benefit_link WHERE kind = 'asset'")
    await bind.exec_driver_sql(_ASSETS_FROM_ENTRIES)


async def apply(bind: AsyncSession | AsyncConnection, rows: Rows) -> None:
    """Fold one batch into the monitoring projections, in the batch's transaction; then re-judge the stored flags (``current.py``)."""
    year_rows, sizes, links, assets = fold(rows)
    await _fold(bind, year_rows, sizes, links, assets)
    await current.apply(bind, rows, current.touched(rows, links, assets))


async def _fold(
    bind: AsyncSession | AsyncConnection,
    year_rows: list[dict[str, Any]],
    sizes: list[dict[str, Any]],
    links: list[dict[str, Any]],
    assets: list[dict[str, Any]],
) -> None:
    if year_rows and _dialect(bind) == "postgresql":
        # One statement over arrays, not one upsert per row: most of a replay's database time went to those.
        driver = await driver_of(bind)
        await driver.execute(_YEAR_UPSERT_PG, *[[r[c] for r in year_rows] for c in ("household_id", "year", *MONTHS)])
    elif year_rows:
        stmt = _insert(bind, HouseholdIncomeYear)
        stmt = stmt.on_conflict_do_update(index_elements=["household_id", "year"], set_={m: stmt.table.c[m] + stmt.excluded[m] for m in MONTHS})
        await bind.execute(stmt, year_rows)
    if sizes:
        stmt = _insert(bind, MonitoringHousehold)
        t, x = stmt.table.c, stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=["household_id"],
            set_={"members": x.members, "size_on": x.size_on, "size_at": x.size_at},
            where=or_(x.size_on > t.size_on, and_(x.size_on == t.size_on, x.size_at >= t.size_at)),
        )
        await bind.execute(stmt, sizes)
    if links:
        # A link's later fact may not carry its village (loan_marked_overdue): the first fact's stays.
        columns = [*LINK_COLUMNS, *LINK_EVENTS]
        stmt = _insert(bind, BenefitLink)
        t, x = stmt.table.c, stmt.excluded
        merged = {c: func.coalesce(x[c], t[c]) for c in columns if c not in ("kind", "household_id", "village_code")}
        merged["village_code"] = func.coalesce(func.nullif(x.village_code, ""), t.village_code)
        stmt = stmt.on_conflict_do_update(index_elements=["link_key"], set_=merged)
        await bind.execute(stmt, [{"link_key": r["link_key"], **{c: r.get(c) for c in columns}, "village_code": r.get("village_code") or ""} for r in links])
    if assets:
        stmt = _insert(bind, BenefitLink)
        t, x = stmt.table.c, stmt.excluded
        later = or_(
            t.last_paid_on.is_(None), x.last_paid_on > t.last_paid_on, and_(x.last_paid_on == t.last_paid_on, x.last_paid_event_id > t.last_paid_event_id)
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["link_key"],
            set_={"last_paid_on": x.last_paid_on, "last_paid_event_id": x.last_paid_event_id, "village_code": x.village_code},
            where=later,
        )
        await bind.execute(stmt, assets)

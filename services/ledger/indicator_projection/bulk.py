"""What a bulk load (``audit.bulk_load``) derives once at its end instead of batch by batch (``fold.DEFERRED``).

* ``derive_incomes``: the income rows' share of the projections — each household's year of income in a
  village (``IndicatorIncome``), each village's income by year and type (``VillageIncomeYear``) and the
  villages the entries name — from every income entry at once, in three grouped statements (PostgreSQL).
  They are functions of the entries alone, so they replace what is there; ``fold.apply`` adds the same
  batch by batch (``tests/ledger/test_bulk_load.py`` holds the two to the same rows).
* ``derive_all``: every subject (member, training session, household) derived from the facts and rows
  the load wrote, a group of villages at a time (one set of reads for a couple of thousand households,
  not one per village), through the same ``fold.derive`` the batches use.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.ledger.indicator_projection import fold
from services.ledger.indicator_projection.models import IndicatorIncome, IndicatorVillage
from services.ledger.models import LedgerHousehold, PolicyFact, table_of

GROUP_HOUSEHOLDS = 2000  # about how many households one group of villages derives at once

_FROM_ENTRIES = (
    "DELETE FROM indicator_income",
    "INSERT INTO indicator_income (household_id, year, village_code, first_on, negative) "
    "SELECT household_id, extract(year FROM occurred_on)::integer, village_code, "
    "min(occurred_on) FILTER (WHERE amount_fen > 0), bool_or(amount_fen < 0) FROM income_entry GROUP BY 1, 2, 3",
    "DELETE FROM village_income_year",
    "INSERT INTO village_income_year (village_code, year, benefit_type, amount_fen) "
    "SELECT village_code, extract(year FROM occurred_on)::integer, benefit_type, sum(amount_fen)::bigint FROM income_entry GROUP BY 1, 2, 3",
    "INSERT INTO indicator_village (village_code) SELECT DISTINCT village_code FROM income_entry ON CONFLICT DO NOTHING",
)


async def derive_incomes(bind: AsyncConnection) -> None:
    """The income rows' share of the indicator projections, from every income entry (PostgreSQL)."""
    for statement in _FROM_ENTRIES:
        await bind.exec_driver_sql(statement)


async def derive_all(bind: AsyncConnection, *, entries_ready: Awaitable[Any] | None = None) -> None:
    """After a bulk load: every village's members, sessions and households derived once, from the facts and rows it wrote.

    Only a household's year with a reversal reads its income entries (``fold._exact_income``): that waits for
    ``entries_ready`` (their index, built meanwhile), the rest need not."""
    p, v, h, inc = table_of(PolicyFact), table_of(IndicatorVillage), table_of(LedgerHousehold), table_of(IndicatorIncome)
    kinds = sorted(fold.MEMBER_FACTS | {"employment_started", "employment_ended"})
    villages = list((await bind.execute(select(v.c.village_code).order_by(v.c.village_code))).scalars())
    sizes: dict[str, int] = dict((await bind.execute(select(h.c.village_code, func.count()).group_by(h.c.village_code))).all())
    for group in _groups(villages, sizes):
        g = fold.Gathered()
        stmt = select(p.c.event_id, p.c.fact, p.c.village_code, p.c.recorded_at, p.c.data).where(p.c.village_code.in_(group), p.c.fact.in_(kinds))
        for f in (await bind.execute(stmt)).mappings():
            data = f["data"] if isinstance(f["data"], dict) else {}
            try:
                g.subject_facts(dict(f), f["fact"], data, f["village_code"])
            except (KeyError, ValueError, TypeError):
                continue
        homes = set(g.jobs)
        homes |= set((await bind.execute(select(h.c.household_id).where(h.c.village_code.in_(group)))).scalars())
        homes |= set((await bind.execute(select(inc.c.household_id).where(inc.c.village_code.in_(group)))).scalars())
        new_states: dict[str, dict[str, Any]] = {}
        await fold.derive(bind, g, {}, sorted(homes), new_states, entries_ready=entries_ready)
        await fold.write(bind, g.changes, new_states, [])


def _groups(villages: list[str], households: dict[str, int]) -> list[list[str]]:
    """The villages in order, in groups of about ``GROUP_HOUSEHOLDS`` households (a village is never split)."""
    out: list[list[str]] = [[]]
    held = 0
    for village in villages:
        if out[-1] and (held + households.get(village, 0) > GROUP_HOUSEHOLDS or len(out[-1]) >= fold.CHUNK):
            out.append([])
            held = 0
        out[-1].append(village)
        held += households.get(village, 0)
    return [group for group in out if group]

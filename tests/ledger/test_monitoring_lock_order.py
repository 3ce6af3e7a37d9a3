"""Two transactions folding overlapping households into the monitoring projections never deadlock.

The replay keeps two batches' transactions open at once, and a household's facts arrive on several
topics whose partitions two consumers may share out: both then upsert the same households' rows of
``household_income_year``. Found by ``bench/ledger_replay.py`` (a PostgreSQL "deadlock detected" that
ended the run): the rows went in the batch's order, so two batches met in the middle. They now go in
key order, and the locks are taken in the same order by everyone.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from services.ledger import audit
from services.ledger.models import col
from services.ledger.monitoring import projection
from services.ledger.monitoring.models import HouseholdIncomeYear
from services.ledger.projector import INCOME_COLUMNS, Rows
from shared.ids import new_id

VILLAGE = "440281100201"


def _rows(households: list[str], amount: int) -> Rows:
    rows = Rows()
    recorded = datetime(2026, 3, 1, tzinfo=UTC)
    for h in households:
        values: dict[str, Any] = dict.fromkeys(INCOME_COLUMNS)
        values |= {
            "event_id": new_id(), "household_id": h, "benefit_type": "wage", "amount_fen": amount, "occurred_on": date(2026, 2, 10),
            "recorded_at": recorded, "village_code": VILLAGE, "township_code": VILLAGE[:9], "county_code": VILLAGE[:6],
            "source": "households", "event_type": "wage_paid", "lineage": "{}",
        }  # fmt: skip
        rows.incomes.append(tuple(values[c] for c in INCOME_COLUMNS))
    return rows


def test_the_fold_gives_its_rows_in_key_order_whatever_the_batch_order() -> None:
    households = sorted(new_id() for _ in range(40))
    shuffled = households[:]
    random.Random(7).shuffle(shuffled)
    year_rows, _sizes, _links, _assets = projection.fold(_rows(shuffled, 100))
    assert [r["household_id"] for r in year_rows] == households


async def test_two_overlapping_folds_at_once_both_commit(platform: Any) -> None:
    if platform.mode != "distributed":
        pytest.skip("two transactions at once are PostgreSQL's (SQLite has one writer)")
    # A scratch ledger: these months have no income entries behind them, and the shared platform's
    # ledger is compared with its replay by the audit tests.
    async with audit.scratch_database(platform.settings) as engine:
        await _fold_at_once(engine)


async def _fold_at_once(engine: Any) -> None:
    households = [new_id() for _ in range(300)]

    async def fold(order: list[str], amount: int) -> None:
        async with engine.begin() as conn:
            await projection.apply(conn, _rows(order, amount))

    for _round in range(5):
        # Opposite orders, at once: in batch order the first locks from the front, the second from the back.
        await asyncio.gather(fold(households, 1), fold(households[::-1], 10))
    async with engine.connect() as conn:
        got = dict(
            (
                await conn.execute(
                    select(col(HouseholdIncomeYear.household_id), col(HouseholdIncomeYear.m02)).where(col(HouseholdIncomeYear.household_id).in_(households))
                )
            ).all()
        )
    assert got == dict.fromkeys(households, 5 * 11)

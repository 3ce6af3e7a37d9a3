"""Two ledger consumers of one group, applying a county's facts at once, end with the projections one consumer gives.

A household's facts come on several topics (its registration on households', its dividends on
funds', its order income on market's, its training on training's), and a consumer group shares
the topics' partitions out between its members: two consumers then fold facts of the same
households, villages and projects in two transactions at the same time. Seen in the replay
bench with two consumer processes: the indicator fold's read-modify-write of a household's
state failed with a duplicate key on ``indicator_run`` (and where it did not fail, the later
commit would have overwritten the earlier one's state). Here the facts of a small county of
every kind are applied as two consumers would apply them — funds and training in one task,
households and market in the other, each batch in its own transaction through the live
consumer's ``apply_batch`` — and every projection table must equal the one of a single
consumer applying the same facts.
"""

from __future__ import annotations

import asyncio
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from services.ledger import audit
from services.ledger.models import Base
from services.ledger.projector import project
from shared.bus import Delivered, apply_batch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from county import County  # noqa: E402  # the benches' county generator: a year of facts of every kind

BATCH = 40


def _county() -> dict[str, list[dict[str, Any]]]:
    by_source: dict[str, list[dict[str, Any]]] = {}
    for source, envelopes in County(households=60, seed=11).batches():
        by_source.setdefault(source, []).extend(envelopes)
    return by_source


async def _consume(engine: AsyncEngine, envelopes: list[dict[str, Any]]) -> None:
    sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    for start in range(0, len(envelopes), BATCH):
        await apply_batch(sessionmaker, Base.metadata, project, [Delivered(e, None) for e in envelopes[start : start + BATCH]])
        await asyncio.sleep(0)  # let the other consumer's transaction interleave with this one's


def _partition(envelope: dict[str, Any]) -> int:
    """Which of two partitions of its topic a fact is on (by its key, as the relay partitions)."""
    key = str(envelope.get("partitionkey") or envelope.get("subject") or envelope["id"])
    return zlib.crc32(key.encode()) % 2


def _shares(log: dict[str, list[dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What each of two consumers reads: partition 0 of every topic, and partition 1; each merged by time (a topic's order kept)."""
    out: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    for source in sorted(log):
        for e in log[source]:
            out[_partition(e)].append(e)
    return sorted(out[0], key=lambda e: e["time"]), sorted(out[1], key=lambda e: e["time"])  # stable: a topic's order holds


async def test_two_consumers_folding_a_county_at_once_give_the_projections_of_one(platform: Any) -> None:
    if platform.mode != "distributed":
        pytest.skip("two consumers of one group are the distributed mode's (the embedded mode has one, and SQLite one writer)")
    log = _county()
    assert set(log) == {"funds", "households", "market", "training"}
    first, second = _shares(log)
    assert first and second
    async with audit.scratch_database(platform.settings) as one, audit.scratch_database(platform.settings) as two:
        await _consume(one, first)
        await _consume(one, second)
        await asyncio.gather(_consume(two, first), _consume(two, second))
        for table in audit.projection_tables(Base.metadata):
            diff = audit.diff_tables(table, await audit.snapshot(one, Base.metadata, table), await audit.snapshot(two, Base.metadata, table))
            assert diff.ok, diff.report()

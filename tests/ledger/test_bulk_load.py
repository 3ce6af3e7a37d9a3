"""A bulk load (``audit.bulk_load``) leaves every projection as folding the log batch by batch does (issue #19 item 1).

In a bulk load the batches leave out what is derived once at its end, from everything loaded: the income rows'
projections (``monitoring.projection.derive_incomes``, ``indicator_projection.bulk.derive_incomes``: grouped
statements over every entry), the indicators' subjects (``bulk.derive_all``, a group of villages at a time) and
the early warning's flags (``current.rejudge_all``). Batch by batch the same tables are folded by ``apply`` from
each batch's rows. Both are run here over a year of a small county with reversals, asset payments and a
household paid in two villages, and compared table by table.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest

from services.ledger import audit
from services.ledger.models import Base
from shared.ids import new_id
from tests.ledger.support import county_log, replayed


def _log() -> tuple[dict[str, list[dict[str, Any]]], str]:
    """The county's log with reversals and a moved asset payment appended; and that payment's event id."""
    log = county_log(40, seed=11)
    incomes = [e for envelopes in log.values() for e in envelopes if isinstance((e.get("data") or {}).get("income"), dict)]
    assets = [e for e in incomes if e["data"]["income"]["benefit_type"] == "asset_income"]
    assert assets, "the county pays asset income"
    extra: list[dict[str, Any]] = []
    for i, env in enumerate(incomes[::7]):  # reversals: years with a negative amount, summed day by day
        rev = copy.deepcopy(env)
        rev["id"] = new_id()
        rev["data"]["line_id"] = f"{rev['data'].get('line_id', 'L')}-r{i}"
        line = rev["data"]["income"]
        line["amount_fen"] = -line["amount_fen"] - (i % 3)
        line["reverses_event_id"] = env["id"]
        extra.append(rev)
    # A later asset payment for the same asset and household, booked in another village: the link is the latest's.
    latest = max(assets, key=lambda e: e["data"]["income"]["occurred_on"])
    moved = copy.deepcopy(latest)
    moved["id"] = new_id()
    line = moved["data"]["income"]
    line["village_code"] = line["village_code"][:-3] + "999"
    line["occurred_on"] = (date.fromisoformat(line["occurred_on"]) + timedelta(days=1)).isoformat()
    moved["data"]["line_id"] = f"{moved['data'].get('line_id', 'L')}-moved"
    moved["time"] = max(e["time"] for e in assets)
    extra.append(moved)
    for env in extra:
        source = env["source"].rsplit("/", 1)[-1]
        env["sequence"] = len(log[source]) + 1
        log[source].append(env)
    return log, moved["id"]


async def test_a_bulk_load_leaves_every_projection_as_folding_batch_by_batch_does(platform):
    log, moved_id = _log()
    tables = []
    for bulk in (False, True):
        async with replayed(platform.settings, log, bulk=bulk, batch_size=89) as engine:
            tables.append({t: await audit.snapshot(engine, Base.metadata, t) for t in audit.projection_tables(Base.metadata)})
    batched, bulk = tables
    for name in ("household_income_year", "benefit_link", "indicator_income", "village_income_year", "indicator_village", "indicator_run"):
        assert batched[name], f"{name} is filled"
    assert any(r["negative"] for r in batched["indicator_income"].values()), "a year with a reversal"
    moved = [r for r in batched["benefit_link"].values() if r["kind"] == "asset" and r["village_code"].endswith("999")]
    assert len(moved) == 1 and moved[0]["last_paid_event_id"] == moved_id, "the asset link is its latest payment's, village and all"
    for name in batched:
        diff = audit.diff_tables(name, batched[name], bulk[name])
        assert diff.ok, diff.report()


async def test_a_step_of_the_loads_end_that_fails_is_raised_as_itself(platform, monkeypatch):
    """The end's steps run side by side (PostgreSQL): a failure surfaces as the step's own error, not a group of them."""
    from services.ledger.monitoring import current

    async def broken(bind: Any) -> None:
        raise RuntimeError("the flags could not be judged")

    monkeypatch.setattr(current, "rejudge_all", broken)
    log, _ = _log()
    with pytest.raises(RuntimeError, match="could not be judged"):
        async with replayed(platform.settings, log, bulk=True, batch_size=500):
            pass

"""Building ledger scenarios: the very facts the producers emit, appended through their outboxes."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from itertools import count
from typing import Any

from shared.events.contracts import REGISTRY, EventData
from shared.events.households import HouseholdRegistered, MemberRegistered, VillageRegistered
from shared.events.income import BenefitType, IncomeLine, Lineage
from shared.ids import new_id
from shared.outbox import emit

# Which producer reports which benefit type (DOMAIN.md, "typically reported by"), and the fact it uses.
INCOME_FACTS: dict[BenefitType, str] = {
    BenefitType.order_production: "fupin.market.delivery_settled.v1",
    BenefitType.wage_labor: "fupin.households.wage_paid.v1",
    BenefitType.lease_back: "fupin.funds.lease_back_income_paid.v1",
    BenefitType.policy_support: "fupin.funds.subsidy_paid.v1",
    BenefitType.asset_income: "fupin.funds.land_rent_paid.v1",
    BenefitType.equity_dividend: "fupin.funds.distribution_paid_to_household.v1",
}


async def append(platform: Any, *facts: EventData) -> None:
    """Append facts to their producer's outbox in one transaction, as the producer's service layer does."""
    by_service: dict[str, list[EventData]] = {}
    for f in facts:
        by_service.setdefault(f.service, []).append(f)
    for service, items in by_service.items():
        async with platform.context(service).write_session() as session:
            for f in items:
                emit(session, f)


_township = count(800)


def fresh_township(county: str) -> str:
    """A township no other test books villages in (tests.helpers.village_code numbers townships from 100), for exact totals."""
    return f"{county}{next(_township):03d}"


def village(code: str, categories: list[str] | None = None, **kw: Any) -> VillageRegistered:
    return VillageRegistered(village_code=code, name="测试村", township_code=code[:9], county_code=code[:6], categories=categories or [], **kw)


def household(code: str, *, members: int = 3, labour: int = 2, status: str = "registered_poor", number: str | None = None) -> HouseholdRegistered:
    return HouseholdRegistered(
        household_id=new_id(),
        household_number=number or new_id()[-12:],
        village_code=code,
        poverty_status=status,  # type: ignore[arg-type]
        registered_on=date(2026, 1, 1),
        member_count=members,
        labour_count=labour,
    )


def member(h: HouseholdRegistered, *, labour: str = "full", party: bool = False, cadre: bool = False) -> MemberRegistered:
    return MemberRegistered(
        member_id=new_id(),
        household_id=h.household_id,
        village_code=h.village_code,
        name="邓某",
        birth_year=1980,
        sex="male",
        labour_capacity=labour,  # type: ignore[arg-type]
        is_party_member=party,
        is_village_cadre=cadre,
        joined_on=date(2026, 1, 1),
    )


def income(
    h: HouseholdRegistered,
    benefit: BenefitType,
    fen: int,
    on: date = date(2026, 5, 10),
    *,
    reverses: str | None = None,
    lineage: Lineage | None = None,
) -> EventData:
    """The producer's income fact for ``benefit``: its contract's example with our income line."""
    line = IncomeLine(
        household_id=h.household_id,
        village_code=h.village_code,
        benefit_type=benefit,
        amount_fen=fen,
        occurred_on=on,
        lineage=lineage or Lineage(fund_id=new_id(), project_id=new_id()),
        reverses_event_id=reverses,
    )
    cls = REGISTRY[INCOME_FACTS[benefit]]
    return example_of(cls, income=line, household_id=h.household_id) if "household_id" in cls.model_fields else example_of(cls, income=line)


# Fields for contracts published without an example.
FILLERS: dict[str, dict[str, Any]] = {
    "fupin.funds.lease_back_income_paid.v1": {"line_id": "L1", "lease_back_id": "LB1", "period": "2026"},
    "fupin.funds.subsidy_paid.v1": {"line_id": "L1", "subsidy_id": "S1", "name": "耕地地力保护补贴", "total_fen": 100000, "entity_fen": 0},
    "fupin.funds.land_rent_paid.v1": {"line_id": "L1", "land_transfer_id": "LT1", "period": "2026"},
}


def example_of(cls: type[EventData], **overrides: Any) -> EventData:
    data = dict(cls.example or FILLERS.get(cls.event_type, {}))
    for key in ("line_id", "payment_id", "delivery_id"):
        if key in cls.model_fields:
            data[key] = new_id()
    data.update({k: v.model_dump(mode="json") if hasattr(v, "model_dump") else v for k, v in overrides.items()})
    return cls.model_validate(data)


def fact(event_type: str, **overrides: Any) -> EventData:
    return example_of(REGISTRY[event_type], **overrides)


def cli_env(settings: Any) -> dict[str, str]:
    """Environment for a `fupin` subprocess that sees the same platform as the test."""
    import json

    env = dict(os.environ)
    env.update(
        {
            "FUPIN_MODE": settings.mode,
            "FUPIN_DATA_DIR": str(settings.data_dir),
            "FUPIN_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
            "FUPIN_TOPIC_PREFIX": settings.topic_prefix,
            "FUPIN_DATABASE_URLS": json.dumps(settings.database_urls),
            "FUPIN_ENV": "test",
            "FUPIN_CHECKPOINT_KEY": settings.checkpoint_key,
            "FUPIN_CHECKPOINT_ORIGIN": settings.checkpoint_origin,
        }
    )
    return env


async def projection_reads(platform: Any, url: str, params: dict[str, Any]) -> int:
    """SELECTs the ledger's database runs on its projections while answering ``url`` (not the consumer's bookkeeping).

    The listener hears the whole engine, which the consumer shares (other tests' events may still be folding):
    only the statements run by the request's own task count, and the consumer's tasks are others."""
    import asyncio

    from sqlalchemy import event

    engine = platform.context("ledger").engine.sync_engine
    seen: list[str] = []
    mine = asyncio.current_task()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        text = statement.lstrip().upper()
        tables = ("policy_fact", "ledger_household", "household_size", "income_entry", "ledger_member", "indicator_", "village_income_year")
        if asyncio.current_task() is mine and text.startswith("SELECT") and any(t in statement for t in tables):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        r = await platform.client.get(url, params=params, headers=platform.admin)
        assert r.status_code == 200, r.text
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def county_log(households: int, *, seed: int = 7, county: str = "440232") -> dict[str, list[dict[str, Any]]]:
    """A year of a small county (``bench/county.py``) as a log: source → its envelopes in sequence order."""
    from bench.county import County

    log: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for source, envelopes in County(households=households, county=county, seed=seed).batches():
        log[source].extend(envelopes)
    return dict(log)


@asynccontextmanager
async def replayed(settings: Any, log: dict[str, list[dict[str, Any]]], *, bulk: bool, batch_size: int) -> AsyncIterator[Any]:
    """The log replayed into a scratch ledger database (its engine): folded batch by batch, or as one bulk load."""
    from services.ledger import audit

    async with audit.scratch_database(settings) as engine:
        if bulk:
            async with audit.bulk_load(engine, scratch=True):
                await audit.replay_into(engine, log, batch_size=batch_size)
        else:
            await audit.replay_into(engine, log, batch_size=batch_size)
        yield engine

"""The early warning's stored flags (issue #17 item 5): what the consumer keeps in ``monitoring_flags`` is, on every
day of the judged month, exactly what judging the place from scratch answers; a batch re-judges the households it
touches (a flag raised, a flag cleared); the replay fills the table as the consumer does, batch by batch or in bulk."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from policy.monitoring import Monitoring
from services.ledger import audit
from services.ledger.models import Base
from services.ledger.monitoring import current, domain, service
from services.ledger.monitoring.models import MonitoringFlags
from shared.events.income import BenefitType, Lineage
from shared.ids import new_id
from tests.helpers import eventually, village_code
from tests.ledger.support import append, county_log, fact, fresh_township, household, income, replayed, village

B = BenefitType
COUNTY = "440224"  # 仁化县


def _month() -> tuple[date, date]:
    """The judged month is the month of the latest envelope time: the facts appended here are stamped now."""
    today = datetime.now(UTC).date()
    first = date(today.year, today.month, 1)
    return first, domain.add_months(first, 1)


def _days(first: date, end: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((end - first).days)]


def _dump(answer: tuple[date, list[Any], Any, int]) -> tuple[list[dict[str, Any]], dict[str, int], int]:
    _, items, counts, total = answer
    return [i.model_dump(mode="json") for i in items], dict(counts), total


async def _both(session: AsyncSession, level: str, code: str, day: date, include_removed: bool, start: int = 0, limit: int | None = None) -> None:
    args = {"include_removed": include_removed, "start": start, "limit": limit}
    stored = _dump(await service._stored(session, level, code, day, **args))
    exact = _dump(await service._exact(session, level, code, day, **args))
    assert stored == exact, (level, code, day, include_removed)


async def _rows(platform: Any, household_id: str) -> list[dict[str, Any]]:
    async with platform.context("ledger").sessionmaker() as session:
        rows = (await session.execute(select(MonitoringFlags).where(MonitoringFlags.household_id == household_id))).scalars().all()
    return [{"from": r.valid_from, "to": r.valid_to, "kinds": {f["kind"] for f in r.flags}, "active": r.active_count} for r in rows]


def _fixture(code: str, first: date) -> tuple[dict[str, Any], list[Any]]:
    """Households that between them raise every flag kind during the month starting ``first``, some from a day inside it."""
    long_ago = domain.add_months(first, -24)
    keys = ("employment", "contract", "loan", "lease", "asset", "training", "low", "near", "drop", "none", "leaves")
    homes = {k: household(code, members=1).model_copy(update={"registered_on": long_ago}) for k in keys}
    homes["low"] = homes["low"].model_copy(update={"member_count": 3})
    h = {k: v.household_id for k, v in homes.items()}
    employment, contract, loan, lease, asset, member = (new_id() for _ in range(6))
    enough = 2_000_000  # 20,000 yuan for one person this month: far above 1.5× the line, so only the link is flagged
    last_year = date(first.year - 1, first.month, 1)
    facts = [
        village(code, ["province_poor"]),
        *homes.values(),
        *[income(homes[k], B.wage_labor, enough, first) for k in ("employment", "contract", "loan", "lease", "asset", "training")],
        fact("fupin.households.employment_started.v1", employment_id=employment, household_id=h["employment"], village_code=code,
             started_on=(first - timedelta(days=200)).isoformat()),
        fact("fupin.households.employment_ended.v1", employment_id=employment, household_id=h["employment"], village_code=code,
             ended_on=(first + timedelta(days=5)).isoformat()),  # raised from the 6th
        fact("fupin.market.order_contract_signed.v1", contract_id=contract, household_id=h["contract"], village_code=code,
             starts_on=(first - timedelta(days=300)).isoformat(), ends_on=(first + timedelta(days=9)).isoformat()),  # raised from the 11th
        fact("fupin.funds.loan_granted.v1", loan_id=loan, household_id=h["loan"], village_code=code,
             granted_on=(first - timedelta(days=400)).isoformat(), term_months=36),
        fact("fupin.funds.loan_marked_overdue.v1", loan_id=loan, household_id=h["loan"], overdue_since=(first - timedelta(days=20)).isoformat()),
        fact("fupin.funds.lease_back_agreed.v1", lease_back_id=lease, household_id=h["lease"], village_code=code,
             start_on=(first - timedelta(days=400)).isoformat(), end_on=(first - timedelta(days=40)).isoformat()),
        income(homes["asset"], B.asset_income, 50_000, domain.add_months(first, -14), lineage=Lineage(asset_id=asset)),
        fact("fupin.training.labourer_compliance_changed.v1", member_id=member, household_id=h["training"], village_code=code,
             year=first.year - 2, status="on_track", counted_sessions=2, consecutive_years=1),
        income(homes["low"], B.wage_labor, 30_000, first),  # 100 yuan a person: below the line
        income(homes["near"], B.wage_labor, 800_000, first),  # 8,000 yuan: above the line, below 1.5×
        income(homes["drop"], B.wage_labor, 3_000_000, last_year),
        income(homes["drop"], B.wage_labor, 1_500_000, first),  # half of the same months last year
        fact("fupin.households.household_left_registry.v1", household_id=h["leaves"], village_code=code,
             effective_on=(first + timedelta(days=12)).isoformat()),  # no income: flagged until it leaves on the 13th
    ]  # fmt: skip
    return h, facts


async def test_stored_flags_equal_the_exact_judgement_on_every_day_of_the_month_and_through_the_lifecycle(platform):
    first, end = _month()
    code = f"{fresh_township(COUNTY)}201"  # a township of its own: its lists hold only this test's households
    h, facts = _fixture(code, first)
    await append(platform, *facts)

    async def stored() -> None:  # every source's facts applied: the fixture's households have every kind between them
        kinds = {k for key in h for r in await _rows(platform, h[key]) for k in r["kinds"]}
        assert kinds == set(domain.KINDS), set(domain.KINDS) - kinds
        # Runs of days inside the month: the contract's flag stands from the day after it ended, the household that left until it left.
        assert [(r["from"], r["to"]) for r in await _rows(platform, h["contract"])] == [(first + timedelta(days=10), end)]
        assert [(r["from"], r["to"]) for r in await _rows(platform, h["leaves"])] == [(first, first + timedelta(days=12))]

    await eventually(stored)
    sessionmaker = platform.context("ledger").sessionmaker
    async with sessionmaker() as session:
        assert await current.judged_month(session) == first
        for day in _days(first, end):
            for include_removed in (False, True):
                await _both(session, "village", code, day, include_removed)
        for day in (first, first + timedelta(days=10), end - timedelta(days=1)):
            await _both(session, "township", code[:9], day, False)
            await _both(session, "township", code[:9], day, True, start=1, limit=3)  # a page (the county level: the replay's test)

    # The lifecycle: an open case keeps every flag active; a risk removal clears them (the stored active_* columns follow).
    cadre = platform.as_("village_cadre", code, subject="cadre-s")
    other = platform.as_("township_officer", code[:9], subject="officer-s")
    day = (end - timedelta(days=1)).isoformat()
    listed = await platform.client.get(f"/ledger/v1/monitoring/villages/{code}", params={"as_of": day, "limit": 100}, headers=platform.admin)
    low = next(i for i in listed.json()["items"] if i["household_id"] == h["low"])
    r = await platform.client.post(
        f"/ledger/v1/monitoring/households/{h['low']}/cases", json={"flags": [low["flags"][0]["flag_id"]], "as_of": day}, headers=cadre
    )
    assert r.status_code == 201, r.text
    case = r.json()["case_id"]
    for path, body in ((f"/ledger/v1/monitoring/cases/{case}/removal", {"note": "收入稳定"}),):
        assert (await platform.client.post(path, json=body, headers=cadre)).status_code == 200
    async with sessionmaker() as session:
        await _both(session, "village", code, first, False)
    r = await platform.client.post(f"/ledger/v1/monitoring/cases/{case}/removal/approval", headers=other)
    assert r.status_code == 200, r.text
    assert [row["active"] for row in await _rows(platform, h["low"])] == [0]
    async with sessionmaker() as session:
        for include_removed in (False, True):
            await _both(session, "village", code, first, include_removed)
            await _both(session, "village", code, end - timedelta(days=1), include_removed)
    listed = await platform.client.get(f"/ledger/v1/monitoring/villages/{code}", params={"as_of": day, "limit": 100}, headers=platform.admin)
    assert h["low"] not in {i["household_id"] for i in listed.json()["items"]}


async def test_a_batch_touching_a_household_re_judges_its_stored_row_raise_and_clear(platform):
    first, _ = _month()
    code = village_code(COUNTY)
    home = household(code, members=1).model_copy(update={"registered_on": domain.add_months(first, -24)})
    await append(platform, village(code), home, income(home, B.wage_labor, 30_000, first))
    hid, loan = home.household_id, new_id()

    async def kinds(expected: set[str]) -> None:
        assert {k for r in await _rows(platform, hid) for k in r["kinds"]} == expected

    await eventually(lambda: kinds({"below_line"}))
    await append(platform, income(home, B.wage_labor, 2_000_000, first))  # cleared: 20,300 yuan this year
    await eventually(lambda: kinds(set()))
    assert await _rows(platform, hid) == []
    await append(
        platform,
        fact("fupin.funds.loan_granted.v1", loan_id=loan, household_id=hid, village_code=code, granted_on=(first - timedelta(days=100)).isoformat()),
        fact("fupin.funds.loan_marked_overdue.v1", loan_id=loan, household_id=hid, overdue_since=(first - timedelta(days=10)).isoformat()),
    )
    await eventually(lambda: kinds({"loan_overdue"}))  # raised
    await append(platform, fact("fupin.funds.loan_repaid.v1", loan_id=loan, household_id=hid, paid_on=first.isoformat(), outstanding_fen=0))
    await eventually(lambda: kinds(set()))  # cleared


async def test_the_replay_fills_the_stored_flags_as_the_consumer_does_batch_by_batch_or_in_bulk(platform):
    """A year of a small county (bench/county.py): twelve turns of the month batch by batch, or one judgement after a bulk load."""
    log = county_log(60)
    tables = []
    for bulk in (False, True):
        async with replayed(platform.settings, log, bulk=bulk, batch_size=97) as engine:
            tables.append({t: await audit.snapshot(engine, Base.metadata, t) for t in ("monitoring_flags", "monitoring_flag_counts", "monitoring_month")})
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                assert await current.judged_month(session) == date(2026, 12, 1)
                for day in (date(2026, 12, 1), date(2026, 12, 16), date(2026, 12, 31)):
                    await _both(session, "county", "440232", day, False)
                    await _both(session, "county", "440232", day, True, start=5, limit=10)
    assert tables[0]["monitoring_flags"], "the county has flagged households"
    for name in tables[0]:
        assert audit.diff_tables(name, tables[0][name], tables[1][name]).ok, name


def test_month_segments_answer_as_judging_each_day_would():
    """Random households and links: the runs ``month_segments`` stores are the flags ``judge`` gives day by day."""
    rng, m = random.Random(17), Monitoring()
    first = date(2026, 3, 1)
    end = domain.add_months(first, 1)

    def near() -> date:
        return first + timedelta(days=rng.randrange(-800, 60))

    checked = 0
    for n in range(300):
        hid = f"h{n}"
        links = []
        for k in range(rng.randrange(0, 5)):
            kind = rng.choice(("order_contract", "lease_back", "employment", "loan", "asset", "training"))
            started = near()
            links.append(
                domain.Link(
                    kind=kind,
                    subject_id=f"s{k}",
                    household_id=hid,
                    started_on=date(rng.choice((2024, 2025)), 1, 1) if kind == "training" else started,
                    ends_on=started + timedelta(days=rng.randrange(0, 500)) if rng.random() < 0.7 else None,
                    broken_on=near() if rng.random() < 0.5 else None,
                    closed_on=near() if rng.random() < 0.3 else None,
                    last_paid_on=near() if kind == "asset" else None,
                    run_years=rng.randrange(0, 4) if kind == "training" else None,
                )
            )
        months = domain.IncomeMonths(
            hid, near(), rng.randrange(0, 4), [rng.choice((0, 0, 50_000)) for _ in range(12)], [rng.choice((0, 90_000)) for _ in range(12)]
        )
        left = near() if rng.random() < 0.2 else None
        segments = domain.month_segments(months, left, links, first, m, 3)
        for day in _days(first, end):
            expected = domain.judge(months, left, links, day, m, 3)
            got = [flags for start, stop, flags in segments if start <= day < stop]
            assert got == ([expected] if expected else []), (n, day)
            checked += 1
    assert checked == 300 * 31

"""A realistic county for every bench: its villages, households and members, and a year of facts of every kind.

    .venv/bin/python bench/county.py --households 40000            # counts only: events by type and source
    .venv/bin/python bench/county.py --households 2000 --ndjson /tmp/county.ndjson --sealed

The default is a county of 40,000 households (~160,000 members, ~300 households a village), which
gives ~2 million facts over a year, in the shapes of the contracts in ``shared/events/`` (a sample
is validated against them with ``--check``): the register (villages, households, members), jobs
and monthly wages, order contracts and their settled deliveries, subsidies, dividends, land rent,
lease-backs and their income, microcredit (some overdue), the special fund's allocations, training
sessions and R7 compliance. Some links break during the year (jobs end, contracts expire, loans
fall overdue) and some households earn little, so the early warning has work to do.

Reuse: ``County(households=…)`` then ``county.batches()`` yields ``(source, [envelope, …])`` month by
month, each source's envelopes in sequence order (``sealed=True`` chains them with ``prevhash`` and
``hash`` as the outbox does, for benches that verify or publish the log; unsealed they are what the
ledger's replay path reads). Deterministic for a seed. Memory stays at one month of facts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.events.envelope import GENESIS_HASH, seal  # noqa: E402

SOURCES = ("funds", "households", "market", "training")
PRODUCTS = ("tea", "vegetables", "quality_rice", "fruit", "camellia_oil")


def _id(kind: int, n: int) -> str:
    """A UUID-shaped id (version 7 and variant bits), unique per kind and number, cheap to make."""
    return f"0192f0a4-{kind:04x}-7000-8000-{n:012x}"


@dataclass
class Home:
    household_id: str
    number: str
    village: str
    members: list[str]
    labourers: list[str]
    employed: bool
    contracted: bool
    poor_income: bool
    loan: bool
    lease: bool


@dataclass
class County:
    households: int = 40_000
    county: str = "440232"
    year: int = 2026
    per_village: int = 300
    seed: int = 2026
    sealed: bool = False
    homes: list[Home] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        n_villages = max(1, -(-self.households // self.per_village))
        self.villages = [f"{self.county}{100 + v // 10:03d}{200 + v % 10:03d}" for v in range(n_villages)]
        member_no = 0
        for i in range(self.households):
            size = rng.choice((2, 3, 4, 4, 5, 5, 6))  # mean 4: ~160,000 members for 40,000 households
            members = [_id(2, member_no + k) for k in range(size)]
            member_no += size
            labourers = members[: max(1, size // 2)]
            self.homes.append(
                Home(
                    household_id=_id(1, i),
                    number=f"{self.county}{i:010d}",
                    village=self.villages[i // self.per_village],
                    members=members,
                    labourers=labourers,
                    employed=rng.random() < 0.6,
                    contracted=rng.random() < 0.5,
                    poor_income=rng.random() < 0.08,
                    loan=rng.random() < 0.2,
                    lease=rng.random() < 0.1,
                )
            )
        self._rng = random.Random(self.seed + 1)
        self._head = {s: (0, GENESIS_HASH) for s in SOURCES}
        self._n = 0

    # ---- envelopes ------------------------------------------------------------------------------

    def _envelope(self, source: str, fact: str, data: dict[str, Any], subject: str, on: date, key: str | None) -> dict[str, Any]:
        self._n += 1
        seq, prev = self._head[source]
        event_id = _id(0xE000 + SOURCES.index(source), self._n)
        when = f"{on.isoformat()}T{8 + self._n % 10:02d}:{self._n % 60:02d}:00Z"
        type_ = f"fupin.{source}.{fact}.v1"
        if self.sealed:
            env = seal(
                event_id=event_id, service=source, type_=type_, time=when, subject=subject, data=data,
                sequence=seq + 1, prevhash=prev, actor="bench", actorrole="city_admin", partitionkey=key,
            )  # fmt: skip
            self._head[source] = (seq + 1, env["hash"])
            return env
        self._head[source] = (seq + 1, prev)
        env = {"specversion": "1.0", "id": event_id, "source": f"/fupin/{source}", "type": type_, "time": when, "datacontenttype": "application/json"}
        env |= {"data": data, "sequence": seq + 1, "subject": subject, "actor": "bench", "actorrole": "city_admin"}
        if key:
            env["partitionkey"] = key
        return env

    def _income(self, h: Home, benefit: str, fen: int, on: date, **lineage: str) -> dict[str, Any]:
        return {
            "household_id": h.household_id,
            "village_code": h.village,
            "benefit_type": benefit,
            "amount_fen": fen,
            "occurred_on": on.isoformat(),
            "lineage": lineage,
        }

    def batches(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """``(source, envelopes)`` month by month; within a source, sequence order."""
        for month in range(1, 13):
            out: dict[str, list[dict[str, Any]]] = {s: [] for s in SOURCES}
            self._month(month, out)
            for source in SOURCES:
                if out[source]:
                    yield source, out[source]

    def _month(self, month: int, out: dict[str, list[dict[str, Any]]]) -> None:
        rng, y = self._rng, self.year
        day = date(y, month, 1)
        ent = _id(3, 1)

        def add(source: str, fact: str, data: dict[str, Any], subject: str, on: date, key: str | None = None) -> None:
            out[source].append(self._envelope(source, fact, data, subject, on, key))

        if month == 1:
            for v in self.villages:
                data = {"village_code": v, "name": f"村{v[-4:]}", "township_code": v[:9], "county_code": self.county, "categories": ["province_poor"]}
                add(
                    "households",
                    "village_registered",
                    data | {"paired_unit": None, "characteristic_industry": "tea", "township_name": None, "helpers": []},
                    v,
                    day,
                )
                alloc = _id(4, int(v[-6:]))
                add("funds", "allocation_recorded", {
                    "allocation_id": alloc, "fund_id": _id(5, 1), "fund_kind": "provincial_special", "county_code": self.county, "village_code": v,
                    "purpose": rng.choice(("industry", "industry", "education", "other")), "recipient_kind": "operating_entity", "recipient_id": ent,
                    "entity_id": ent, "amount_fen": 50_000_000, "allocated_on": day.isoformat(),
                }, alloc, day)  # fmt: skip
        for i, h in enumerate(self.homes):
            hid, key = h.household_id, h.household_id
            if month == 1:
                add("households", "household_registered", {
                    "household_id": hid, "household_number": h.number, "village_code": h.village, "poverty_status": "registered_poor",
                    "registered_on": date(y - 1, 12, 1).isoformat(), "member_count": len(h.members), "labour_count": len(h.labourers),
                }, hid, day, key)  # fmt: skip
                for k, m in enumerate(h.members):
                    add("households", "member_registered", {
                        "member_id": m, "household_id": hid, "village_code": h.village, "name": "某某", "birth_year": 1960 + k * 7 % 50,
                        "sex": "male" if k % 2 else "female", "labour_capacity": "full" if m in h.labourers else "none", "wishes_to_work_away": False,
                        "is_party_member": False, "is_village_cadre": False, "joined_on": date(y - 1, 12, 1).isoformat(),
                        "relation": "head" if k == 0 else "other",
                    }, m, day, key)  # fmt: skip
            worker = h.labourers[0]
            job = _id(6, i)
            if h.employed and month == 2:
                add("households", "employment_started", {
                    "employment_id": job, "member_id": worker, "household_id": hid, "village_code": h.village, "entity_id": ent, "post": "茶园管护",
                    "link": "production", "started_on": date(y, 2, 1).isoformat(),
                }, job, day, key)  # fmt: skip
            ends_in = 3 + i % 40  # one job in ten ends during the year (months 3…12)
            if h.employed and month == ends_in:
                add("households", "employment_ended", {
                    "employment_id": job, "member_id": worker, "household_id": hid, "village_code": h.village, "entity_id": ent,
                    "ended_on": date(y, month, 15).isoformat(), "reason": "季节性用工结束",
                }, job, day, key)  # fmt: skip
            if h.employed and 2 < month and month <= ends_in:
                pay = _id(7, i * 12 + month)
                fen = 20_000 if h.poor_income else 380_000 + rng.randrange(140_000)
                add("households", "wage_paid", {
                    "payment_id": pay, "employment_id": job, "member_id": worker, "entity_id": ent,
                    "period_start": date(y, month - 1, 1).isoformat(), "period_end": (day - timedelta(days=1)).isoformat(),
                    "income": self._income(h, "wage_labor", fen, day + timedelta(days=4), entity_id=ent, employment_id=job, payment_id=pay),
                    "reported_by": "entity",
                }, pay, day, key)  # fmt: skip
            contract = _id(8, i)
            if h.contracted and month == 1:
                add("market", "order_contract_signed", {
                    "contract_id": contract, "entity_id": ent, "household_id": hid, "village_code": h.village, "product": PRODUCTS[i % 5],
                    "quantity": "500", "unit": "kg", "floor_price_fen": 1200, "starts_on": date(y, 1, 1).isoformat(),
                    "ends_on": date(y, 6 + i % 7, 28).isoformat(),
                }, contract, day, key)  # fmt: skip
            if h.contracted and month in (3, 4, 6, 8, 9, 11) and month <= 6 + i % 7:
                d = _id(9, i * 12 + month)
                fen = 30_000 if h.poor_income else 500_000 + rng.randrange(300_000)
                on = date(y, month, 10)
                add("market", "delivery_settled", {
                    "delivery_id": d, "contract_id": contract, "entity_id": ent, "product": PRODUCTS[i % 5], "quantity": "100", "unit": "kg",
                    "grade": "first", "delivered_on": on.isoformat(), "market_price_fen": 1100, "floor_price_fen": 1200, "paid_price_fen": 1200,
                    "floor_applied": True, "income": self._income(h, "order_production", fen, on, entity_id=ent, contract_id=contract, delivery_id=d),
                }, d, day, key)  # fmt: skip
            # a subsidy every month (耕地地力, 生态公益林, 低保 … as the county pays them)
            line = _id(10, i * 12 + month)
            on = date(y, month, 20)
            add("funds", "subsidy_paid", {
                "line_id": line, "subsidy_id": _id(11, month), "name": "耕地地力保护补贴", "total_fen": 15_000, "entity_fen": 0, "land_transfer_id": None,
                "income": self._income(h, "policy_support", 15_000, on, subsidy_id=_id(11, month)),
            }, line, day, key)  # fmt: skip
            if month in (3, 6, 9, 12):
                line = _id(12, i * 12 + month)
                on = date(y, month, 28)
                dist = _id(13, int(h.village[-6:]) * 12 + month)
                add("funds", "distribution_paid_to_household", {
                    "line_id": line, "distribution_id": dist, "household_id": hid, "units": 10,
                    "income": self._income(h, "equity_dividend", 40_000 + i % 7 * 1000, on, distribution_id=dist, entity_id=ent),
                }, line, day, key)  # fmt: skip
            if month == 10 and i % 5:
                line, land = _id(14, i), _id(15, i)
                on = date(y, 10, 20)
                add("funds", "land_rent_paid", {
                    "line_id": line, "land_transfer_id": land, "period": str(y),
                    "income": self._income(h, "asset_income", 60_000, on, land_transfer_id=land, asset_id=_id(16, i % 97), entity_id=ent),
                }, line, day, key)  # fmt: skip
            lease = _id(17, i)
            if h.lease and month == 1:
                add("funds", "lease_back_agreed", {
                    "lease_back_id": lease, "entity_id": ent, "household_id": hid, "village_code": h.village, "base_name": "蔬菜基地", "area_tenth_mu": 20,
                    "start_on": date(y - 1, 3, 1).isoformat(), "end_on": date(y, 8 + i % 5, 28).isoformat(), "has_disaster_terms": True,
                }, lease, day, key)  # fmt: skip
            if h.lease and month in (3, 6, 9):
                line = _id(18, i * 12 + month)
                add("funds", "lease_back_income_paid", {
                    "line_id": line, "lease_back_id": lease, "period": f"{y}-Q{month // 3}",
                    "income": self._income(h, "lease_back", 88_000, date(y, month, 30), lease_back_id=lease, entity_id=ent),
                }, line, day, key)  # fmt: skip
            loan = _id(19, i)
            if h.loan and month == 3:
                add("funds", "loan_granted", {
                    "loan_id": loan, "household_id": hid, "village_code": h.village, "bank": "农信社", "principal_fen": 5_000_000, "term_months": 36,
                    "annual_rate_bp": 435, "interest_subsidy_bp": 435, "granted_on": date(y, 3, 1).isoformat(), "use": "entrusted", "entity_id": ent,
                    "guaranteed_return_fen_per_year": 400_000,
                }, loan, day, key)  # fmt: skip
            if h.loan and month == 9 and i % 10 == 0:
                add(
                    "funds",
                    "loan_marked_overdue",
                    {"loan_id": loan, "household_id": hid, "overdue_since": date(y, 9, 1).isoformat(), "outstanding_fen": 5_000_000},
                    loan,
                    day,
                    key,
                )
            if month in (3, 5, 9, 11):
                held = (3, 5, 9, 11).index(month) + 1
                for m in h.labourers:
                    add("training", "session_completed", {
                        "member_id": m, "household_id": hid, "village_code": h.village, "session_id": _id(20, month), "course_id": _id(21, 1),
                        "industry": "tea", "category": "agricultural_technique", "days_attended": 5, "year": y,
                        "completed_on": date(y, month, 15).isoformat(), "counted": True,
                    }, m, day, key)  # fmt: skip
                    add("training", "labourer_compliance_changed", {
                        "member_id": m, "household_id": hid, "village_code": h.village, "year": y, "status": "on_track",
                        "counted_sessions": held, "consecutive_years": 1 if held >= 2 else 0, "has_skill": False,
                    }, m, day, key)  # fmt: skip


# ---- for the benches that load a county into a scratch ledger (bench/indicators.py) ------------------


def loaded_county_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of a bench that loads a county into a scratch PostgreSQL ledger."""
    p.add_argument("--households", type=int, default=40_000)
    p.add_argument("--county", default="440232")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--batch", type=int, default=20_000, help="envelopes per load transaction")
    p.add_argument("--pg-admin-dsn", default=os.environ.get("FUPIN_TEST_PG_DSN", "postgresql://fupin:fupin@127.0.0.1:5432/postgres"))
    p.add_argument("--pg-url", default="postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/{db}")
    p.add_argument("--keep", action="store_true", help="keep the database")


@asynccontextmanager
async def scratch_ledger(args: argparse.Namespace, prefix: str, title: str, lines: list[tuple[str, str]]) -> AsyncIterator[str]:
    """A fresh database for the bench (its URL); on the way out the figures in ``lines`` are printed first (a clean-up
    that fails must not lose them), then the database is dropped (``shared.db.drop_database``) unless ``--keep``."""
    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    from shared.db import create_database, drop_database

    db = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(args.pg_admin_dsn)
    await create_database(admin, db)
    await admin.close()
    try:
        yield args.pg_url.format(db=db)
    finally:
        print(f"\n{title} ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, database {db})")
        for k, v in lines:
            print(f"{k:<62} {v}")
        if not args.keep:
            admin = await asyncpg.connect(args.pg_admin_dsn)
            try:
                await drop_database(admin, db)
            finally:
                await admin.close()


def check(county: County, sample: int = 2000) -> int:
    """Validate a sample of the envelopes' data against the registered contracts; the number checked."""
    from shared.events import REGISTRY

    checked = 0
    for _, batch in county.batches():
        for env in batch[:: max(1, len(batch) // 50)]:
            REGISTRY[env["type"]].model_validate(env["data"])
            checked += 1
            if checked >= sample:
                return checked
    return checked


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--households", type=int, default=40_000)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--sealed", action="store_true", help="chain each source's envelopes (prevhash, hash) as the outbox does")
    p.add_argument("--ndjson", type=Path, help="write the log here, one envelope a line")
    p.add_argument("--check", action="store_true", help="validate a sample against the contracts")
    args = p.parse_args()
    county = County(households=args.households, seed=args.seed, sealed=args.sealed)
    if args.check:
        print(f"{check(County(households=args.households, seed=args.seed))} envelopes valid against their contracts", file=sys.stderr)
    by_type: Counter[str] = Counter()
    sink = args.ndjson.open("w", encoding="utf-8") if args.ndjson else None
    try:
        for _, batch in county.batches():
            for env in batch:
                by_type[env["type"]] += 1
                if sink:
                    sink.write(json.dumps(env, ensure_ascii=False, separators=(",", ":")) + "\n")
    finally:
        if sink:
            sink.close()
    members = sum(len(h.members) for h in county.homes)
    print(f"{args.households:,} households, {members:,} members, {len(county.villages):,} villages, {sum(by_type.values()):,} events")
    for t, n in sorted(by_type.items()):
        print(f"  {n:>10,}  {t}")


if __name__ == "__main__":
    main()

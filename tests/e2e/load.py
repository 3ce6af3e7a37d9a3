"""Wage payments through the HTTP API under a fault, and the books to check them against, to the fen.

A client as an operator's integration would write it: every wage has its own ``Idempotency-Key``;
a 503, a connection error or a timeout is retried with the same key (honouring ``Retry-After``)
until a 2xx, so a write the server committed but could not answer is never counted twice. What
got a 2xx is what the ledger must hold, exactly once.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker

from services.households.employment.consumers import learn_entities
from services.households.models import Base as HouseholdsBase
from shared.bus import apply_batch, decode
from shared.db import create_engine
from shared.events.envelope import GENESIS_HASH, canonical_json, seal
from shared.events.funds import EntityRegistered
from shared.ids import new_id
from tests.e2e.cluster import query
from tests.helpers import citizen_id, eventually, unique_number, village_code

COUNTY = "440203"


async def learn_entity(households_db: str, code: str) -> str:
    """The funds service's ``EntityRegistered`` fact, delivered to the households service as its consumer would."""
    entity_id = new_id()
    data = EntityRegistered(
        entity_id=entity_id,
        name="演练合作社",
        kind="cooperative",
        credit_code=f"9344{random.randrange(10**12, 10**13)}X",
        county_code=COUNTY,
        village_codes=[code],
    )
    envelope = seal(
        event_id=new_id(), service="funds", type_=data.event_type, time="2026-01-01T00:00:00Z", subject=entity_id,
        data=data.model_dump(mode="json"), sequence=1, prevhash=GENESIS_HASH, actor="drill", actorrole="city_admin", partitionkey=None,
    )  # fmt: skip
    engine = create_engine(households_db)
    try:
        await apply_batch(async_sessionmaker(engine), HouseholdsBase.metadata, learn_entities, [decode(canonical_json(envelope))])
    finally:
        await engine.dispose()
    return entity_id


async def employed(client: httpx.AsyncClient, headers: dict[str, str], households_db: str, n: int) -> list[tuple[str, str]]:
    """``n`` households of one member each, employed by one entity: ``[(household_id, employment_id)]``."""
    code = village_code(COUNTY)
    r = await client.post("/households/v1/villages", json={"code": code, "name": "演练村"}, headers=headers)
    assert r.status_code == 201, r.text
    entity = await learn_entity(households_db, code)
    out = []
    for _ in range(n):
        member = {"name": "演练", "id_number": citizen_id(COUNTY), "relation": "head", "birth_date": "1980-01-01", "sex": "male", "labour_capacity": "full"}
        r = await client.post(
            "/households/v1/households",
            json={"household_number": unique_number("D"), "village_code": code, "registered_on": "2026-01-01", "members": [member]},
            headers=headers,
        )
        assert r.status_code == 201, r.text
        household = r.json()
        r = await client.post(
            "/households/v1/employments",
            json={"member_id": household["members"][0]["id"], "entity_id": entity, "post": "茶园管护", "link": "production", "started_on": "2026-01-01"},
            headers=headers,
        )
        assert r.status_code == 201, r.text
        out.append((household["id"], r.json()["id"]))
    return out


@dataclass
class WageLoad:
    """Writes wages one after another (``workers`` at a time) until stopped or ``limit`` are accepted."""

    base_url: str
    headers: dict[str, str]
    employments: list[tuple[str, str]]
    rng: random.Random
    limit: int = 2000
    workers: int = 2
    pause: float = 0.02
    accepted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    count: int = 0
    statuses: Counter[int | str] = field(default_factory=Counter)
    unavailable_without_retry_after: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        async with httpx.AsyncClient(base_url=self.base_url, timeout=15) as client:
            await asyncio.gather(*(self._worker(client) for _ in range(self.workers)))

    def stop(self) -> None:
        self._stop.set()

    async def _worker(self, client: httpx.AsyncClient) -> None:
        while not self._stop.is_set() and self.count < self.limit:
            household, employment = self.rng.choice(self.employments)
            amount = self.rng.randint(1, 300_000)
            if await self._pay(client, employment, amount):
                self.accepted[household] += amount
                self.count += 1
            await asyncio.sleep(self.pause)

    async def _pay(self, client: httpx.AsyncClient, employment: str, amount: int) -> bool:
        body = {"employment_id": employment, "amount_fen": amount, "period_start": "2026-05-01", "period_end": "2026-05-31", "paid_on": "2026-06-05"}
        headers = self.headers | {"Idempotency-Key": uuid.uuid4().hex}
        for _ in range(600):  # bounded: a wage still unanswered after this was never accepted
            try:
                r = await client.post("/households/v1/wages", json=body, headers=headers)
            except httpx.HTTPError as exc:
                self.statuses[type(exc).__name__] += 1
                await asyncio.sleep(0.2)
                continue
            self.statuses[r.status_code] += 1
            if r.status_code == 201:
                return True
            if r.status_code == 503:
                if "retry-after" not in r.headers:
                    self.unavailable_without_retry_after += 1
                await asyncio.sleep(min(1.0, float(r.headers.get("retry-after", "1"))))
                continue
            raise AssertionError(f"wage answered {r.status_code}: {r.text[:500]}")
        return False

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if isinstance(status, int) and status >= 500 and status != 503)


async def ledger_matches(ledger_url: str, headers: dict[str, str], load: WageLoad, households: list[str], ledger_db: str, timeout: float = 240) -> None:
    """Every accepted wage is in the ledger once: each household's wage_labor total to the fen, and the entry count."""
    async with httpx.AsyncClient(base_url=ledger_url, timeout=30) as lg:

        async def balances() -> None:
            for hid in households:
                r = await lg.get(f"/ledger/v1/households/{hid}/income", params={"year": 2026}, headers=headers)
                assert r.status_code == 200, r.text
                assert r.json()["by_type"].get("wage_labor", 0) == load.accepted.get(hid, 0), hid

        await eventually(balances, timeout=timeout, interval=1.0)
    rows = await query(ledger_db, "SELECT count(*), count(DISTINCT event_id), coalesce(sum(amount_fen), 0) FROM income_entry WHERE benefit_type = 'wage_labor'")
    assert tuple(rows[0]) == (load.count, load.count, sum(load.accepted.values()))

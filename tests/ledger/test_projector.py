"""The projector is deterministic and idempotent: redelivery and any batch split give identical tables."""

from __future__ import annotations

import random
from datetime import date

from services.ledger import audit
from services.ledger.models import Base
from shared.events.envelope import GENESIS_HASH, seal
from shared.ids import new_id
from shared.settings import FupinSettings

V = "440232100201"


def _log(n_households: int = 5, n_income: int = 60) -> dict[str, list[dict]]:
    heads = {"households": (0, GENESIS_HASH), "funds": (0, GENESIS_HASH)}
    log: dict[str, list[dict]] = {"households": [], "funds": []}

    def add(source: str, type_: str, data: dict, key: str) -> None:
        seq, prev = heads[source]
        env = seal(
            event_id=new_id(),
            service=source,
            type_=type_,
            time="2026-06-01T08:00:00Z",
            subject=key,
            data=data,
            sequence=seq + 1,
            prevhash=prev,
            actor="t",
            actorrole="city_admin",
            partitionkey=key,
        )
        heads[source] = (seq + 1, env["hash"])
        log[source].append(env)

    hids = [new_id() for _ in range(n_households)]
    for i, h in enumerate(hids):
        add(
            "households",
            "fupin.households.household_registered.v1",
            {
                "household_id": h,
                "household_number": f"N{i}",
                "village_code": V,
                "poverty_status": "registered_poor",
                "registered_on": "2026-01-01",
                "member_count": 3,
                "labour_count": 1,
            },
            h,
        )
    add(
        "households",
        "fupin.households.household_status_changed.v1",
        {"household_id": hids[0], "village_code": V, "poverty_status": "exited", "effective_on": "2026-05-01"},
        hids[0],
    )
    add(
        "households",
        "fupin.households.household_left_registry.v1",
        {"household_id": hids[1], "village_code": V, "reason": "moved", "effective_on": "2026-05-02"},
        hids[1],
    )
    rng = random.Random(1)
    for n in range(n_income):
        h = hids[n % n_households]
        line = {
            "household_id": h,
            "village_code": V,
            "benefit_type": "equity_dividend",
            "amount_fen": rng.randrange(1, 10000),
            "occurred_on": date(2026, 1 + n % 12, 1).isoformat(),
            "lineage": {"fund_id": "F"},
            "reverses_event_id": None,
        }
        add(
            "funds",
            "fupin.funds.distribution_paid_to_household.v1",
            {"line_id": f"L{n}", "distribution_id": "D", "household_id": h, "units": 1, "income": line},
            h,
        )
    add(
        "funds",
        "fupin.funds.entity_registered.v1",
        {"entity_id": "E", "name": "合作社", "kind": "cooperative", "credit_code": "93440232MA4W1234X5", "county_code": "440232", "village_codes": [V]},
        "E",
    )
    return log


async def _tables(settings: FupinSettings, log: dict[str, list[dict]], batch_size: int, redeliver: bool = False) -> dict[str, dict]:
    async with audit.scratch_database(settings) as engine:
        await audit.replay_into(engine, log, batch_size=batch_size)
        if redeliver:  # the consumer died after its transaction but before committing offsets: everything comes again
            again = await audit.replay_into(engine, log, batch_size=batch_size + 3)
            assert again == 0
        return {t: await audit.snapshot(engine, Base.metadata, t) for t in audit.projection_tables(Base.metadata)}


async def test_any_batch_split_and_redelivery_give_identical_projections(tmp_path):
    settings = FupinSettings(env="test", mode="embedded", data_dir=tmp_path)
    log = _log()
    one = await _tables(settings, log, batch_size=1000)
    small = await _tables(settings, log, batch_size=7, redeliver=True)
    for table in one:
        assert audit.diff_tables(table, one[table], small[table]).ok, table
    households = one["ledger_household"]
    assert sorted(r["poverty_status"] for r in households.values()).count("exited") == 1
    assert sum(1 for r in households.values() if r["left_on"]) == 1
    assert len(one["income_entry"]) == 60 and len(one["consumed_event"]) == 68
    assert {r["fact"] for r in one["policy_fact"].values()} >= {"entity_registered", "household_registered"}


async def test_an_unreadable_fact_is_kept_and_does_not_stall_the_batch(tmp_path):
    settings = FupinSettings(env="test", mode="embedded", data_dir=tmp_path)
    log = _log(2, 2)
    bad = dict(log["funds"][0])
    bad["id"] = new_id()
    bad["data"] = {"income": {"household_id": "x"}}  # no amount, no village: cannot be booked
    log["funds"].append(bad)
    tables = await _tables(settings, log, batch_size=100)
    assert len(tables["income_entry"]) == 2
    assert (bad["id"],) in tables["policy_fact"] and (bad["id"],) in tables["consumed_event"]

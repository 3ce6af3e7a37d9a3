"""The ledger's boundary: query parameters are bounded, the audit export takes source names not paths,
and an out-of-bounds fact in the log is parked with its reason instead of poisoning the sums."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from services.ledger.models import IncomeEntry
from services.ledger.projector import project
from shared.bounds import MAX_PAYMENT_FEN
from shared.bus import Delivered, apply_batch
from shared.events.envelope import GENESIS_HASH, seal
from shared.events.income import BenefitType
from shared.ids import new_id
from tests.conftest import MODES, Platform, running_platform
from tests.helpers import eventually, village_code
from tests.ledger.support import append, household, income, village

B = BenefitType


# ---- audit export: known source names only, never a path ------------------------------------------


@pytest.mark.parametrize("source", ["../../x", "../ledger", "/tmp/fupin-x", "funds/../../y", "nosuch"])
async def test_audit_export_source_outside_the_four_names_is_422_and_creates_no_file(platform, source):
    data_dir = Path(platform.settings.data_dir) if platform.mode == "embedded" else None
    before = {p for p in data_dir.parent.rglob("*")} if data_dir else set()
    r = await platform.client.get("/ledger/v1/audit/export", params={"source": source}, headers=platform.as_("auditor"))
    assert r.status_code == 422, r.text
    assert r.json()["field"].startswith("source"), r.json()
    if data_dir:
        assert {p for p in data_dir.parent.rglob("*")} == before, "a file appeared beside the data folder"
    assert not Path("/tmp/fupin-x.db").exists()


async def test_audit_export_by_a_known_source_name_still_streams_that_source(platform):
    code = village_code()
    h = household(code)
    await append(platform, village(code), h)
    await append(platform, income(h, B.equity_dividend, 700))

    async def exported():
        r = await platform.client.get("/ledger/v1/audit/export", params={"source": "funds"}, headers=platform.as_("auditor"))
        assert r.status_code == 200, r.text
        sources = {line.split('"source":"', 1)[1].split('"', 1)[0] for line in r.text.splitlines() if line}
        assert sources == {"/fupin/funds"}

    await eventually(exported)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"since": "2026-01-01T00:00:00"}, "since"),  # no zone: it used to break the stream half-way
        ({"since": "0"}, "since"),  # a number is not a time (it was the Unix epoch)
        ({"until": "1767225600"}, "until"),
        ({"until": "9999-12-31T00:00:00Z"}, "until"),
        ({"type": ""}, "type"),
        ({"type": "x" * 121}, "type"),
        ({"household": "x" * 37}, "household"),
    ],
)
async def test_audit_export_parameters_out_of_bounds_are_422_naming_them(platform, params, field):
    r = await platform.client.get("/ledger/v1/audit/export", params=params, headers=platform.as_("auditor"))
    assert r.status_code == 422, r.text
    assert r.json()["field"].startswith(field), r.json()


def test_audit_cli_refuses_a_source_that_is_not_one_of_the_four(tmp_path):
    from services.ledger import audit, cli

    assert cli.SOURCE_NAMES == audit.SOURCES
    env = cli_env_for(tmp_path)
    for command in (["audit", "export", "--source", "../../x"], ["audit", "verify", "--source", "../../x"]):
        done = subprocess.run([sys.executable, "-m", "fupin.cli", *command], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stdout + done.stderr  # argparse: invalid choice
        assert "invalid choice" in done.stderr
    assert not (tmp_path.parent / "x.db").exists() and not list(tmp_path.rglob("*.db"))


def cli_env_for(tmp_path: Path) -> dict[str, str]:
    import os

    return dict(os.environ) | {"FUPIN_MODE": "embedded", "FUPIN_DATA_DIR": str(tmp_path / "var"), "FUPIN_ENV": "test"}


async def test_read_log_refuses_a_source_name_it_does_not_know(platform):
    from services.ledger import audit

    with pytest.raises(ValueError):
        await audit.read_log(platform.settings, "outbox", ["../../x"])


# ---- query parameters: bounded before anything reaches SQL -----------------------------------------


@pytest.mark.parametrize(
    "params, field",
    [
        ({"year": 2**63}, "year"),
        ({"year": 10**30}, "year"),
        ({"year": 1999}, "year"),
        ({"year": 2026, "month": 2**64}, "month"),
        ({"year": 2026, "as_of": "9999-12-31"}, "as_of"),
    ],
)
async def test_household_income_query_out_of_bounds_is_422_naming_it(platform, params, field):
    code = village_code()
    h = household(code)
    await append(platform, village(code), h)
    r = await platform.client.get(f"/ledger/v1/households/{h.household_id}/income", params=params, headers=platform.admin)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field, r.json()
    r = await platform.client.get(f"/ledger/v1/households/{h.household_id}/income/entries", params=params, headers=platform.admin)
    assert r.status_code == 422, r.text


@pytest.mark.parametrize(
    "path, params",
    [
        ("/ledger/v1/aggregates", {"level": "village", "code": "4402321002O1", "year": 2026}),
        ("/ledger/v1/aggregates", {"level": "county", "code": "9" * 40, "year": 2026}),
        ("/ledger/v1/aggregates", {"level": "county", "code": "440232", "year": 2**63}),
        ("/ledger/v1/indicators/villages/44023210020%27", {"year": 2026}),
        ("/ledger/v1/indicators/counties/" + "4" * 200, {"year": 2026}),
        ("/ledger/v1/indicators/counties/440232", {"year": 99999999999999999999}),
    ],
)
async def test_place_queries_with_a_malformed_code_or_year_are_422(platform, path, params):
    r = await platform.client.get(path, params=params, headers=platform.admin)
    assert r.status_code == 422, r.text


async def test_household_id_longer_than_an_id_is_422(platform):
    r = await platform.client.get(f"/ledger/v1/households/{'x' * 300}/income", params={"year": 2026}, headers=platform.admin)
    assert r.status_code == 422, r.text


# ---- defence in depth: an out-of-bounds fact in the log ---------------------------------------------


def _income_envelope(household_id: str, village_code_: str, amount: int, sequence: int = 1) -> dict:
    line = {
        "household_id": household_id,
        "village_code": village_code_,
        "benefit_type": "policy_support",
        "amount_fen": amount,
        "occurred_on": "2026-05-10",
        "lineage": {"subsidy_id": "S-old"},
        "reverses_event_id": None,
    }
    # Not sealed: an amount past 2^53 has no canonical (RFC 8785) form, so it can only be an old or foreign event.
    return {
        "specversion": "1.0", "id": new_id(), "source": "/fupin/funds", "type": "fupin.funds.subsidy_paid.v1",
        "time": "2026-05-10T08:00:00Z", "subject": household_id, "partitionkey": household_id, "sequence": sequence,
        "data": {"line_id": new_id(), "subsidy_id": "S-old", "household_id": household_id, "income": line},
    }  # fmt: skip


@pytest_asyncio.fixture(scope="module", loop_scope="session", params=MODES)
async def own_platform(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    """A platform of this module's own: the facts applied here are in no log, and what they leave in the projections
    (months, flags, indicator states) could not be derived by the replay the audit tests compare the shared one with."""
    async with running_platform(request.param, tmp_path_factory.mktemp(f"boundary-{request.param}")) as running:
        yield running


async def test_out_of_bounds_income_fact_is_parked_with_its_reason_and_the_household_income_still_reads_200(own_platform, caplog):
    """What was seen: two subsidies of 4,611,686,018,427,387,905 fen made every income read a 500 (SUM overflow)."""
    platform = own_platform
    code = village_code()
    h = household(code)
    await append(platform, village(code), h)
    await append(platform, income(h, B.policy_support, 30000))
    ctx = platform.context("ledger")

    async def booked():
        r = await platform.client.get(f"/ledger/v1/households/{h.household_id}/income", params={"year": 2026}, headers=platform.admin)
        assert r.status_code == 200 and r.json()["by_type"]["policy_support"] == 30000, r.text

    await eventually(booked)
    huge = [_income_envelope(h.household_id, code, 4_611_686_018_427_387_905) for _ in range(2)]
    beyond_int64 = _income_envelope(h.household_id, code, 2**70)
    negative = _income_envelope(h.household_id, code, -(MAX_PAYMENT_FEN + 1))
    fine = _income_envelope(h.household_id, code, MAX_PAYMENT_FEN)
    batch = [Delivered(e, None) for e in (*huge, beyond_int64, negative, fine)]
    with caplog.at_level("WARNING", logger="fupin.ledger"):
        applied = await apply_batch(ctx.sessionmaker, ctx.spec.metadata, project, batch)
    try:
        await _parked_and_readable(platform, ctx, h, code, huge, beyond_int64, negative, fine, applied, caplog)
    finally:  # these facts are not in the log (the platform is this module's own; the rows go all the same)
        await _forget(ctx, [d.id for d in batch])


async def _forget(ctx, event_ids: list[str]) -> None:
    async with ctx.engine.begin() as conn:
        for table in ("income_entry", "parked_fact", "consumed_event"):
            await conn.execute(delete(ctx.spec.metadata.tables[table]).where(ctx.spec.metadata.tables[table].c.event_id.in_(event_ids)))


async def _parked_and_readable(platform, ctx, h, code, huge, beyond_int64, negative, fine, applied, caplog) -> None:
    from services.ledger.models import ParkedFact

    assert applied == 5  # consumed, so the consumer moves on
    assert sum("parked" in r.getMessage() for r in caplog.records) == 4

    r = await platform.client.get(f"/ledger/v1/households/{h.household_id}/income", params={"year": 2026}, headers=platform.admin)
    assert r.status_code == 200, r.text
    assert r.json()["by_type"]["policy_support"] == 30000 + MAX_PAYMENT_FEN
    for path, params in (
        ("/ledger/v1/aggregates", {"level": "village", "code": code, "year": 2026}),
        (f"/ledger/v1/indicators/villages/{code}", {"year": 2026}),
    ):
        assert (await platform.client.get(path, params=params, headers=platform.admin)).status_code == 200
    async with ctx.sessionmaker() as session:
        parked = {p.event_id: p for p in (await session.execute(select(ParkedFact))).scalars()}
        booked_ids = set((await session.execute(select(IncomeEntry.event_id).where(IncomeEntry.household_id == h.household_id))).scalars())
    for env in (*huge, beyond_int64, negative):
        assert env["id"] in parked and env["id"] not in booked_ids
        assert "amount_fen" in parked[env["id"]].reason and parked[env["id"]].event_type == "fupin.funds.subsidy_paid.v1"
    assert fine["id"] in booked_ids and fine["id"] not in parked


async def test_income_amount_column_refuses_out_of_bounds_amounts_written_another_way(platform):
    ctx = platform.context("ledger")
    row = {
        "event_id": new_id(), "household_id": new_id(), "benefit_type": "policy_support", "occurred_on": date(2026, 5, 10),
        "recorded_at": datetime(2026, 5, 10, 8, tzinfo=UTC), "village_code": "440232100201", "township_code": "440232100",
        "county_code": "440232", "source": "funds", "event_type": "fupin.funds.subsidy_paid.v1", "lineage": {},
    }  # fmt: skip
    for amount in (MAX_PAYMENT_FEN + 1, -MAX_PAYMENT_FEN - 1):
        with pytest.raises(IntegrityError, match="(?i)check|constraint"):
            async with ctx.engine.begin() as conn:
                await conn.execute(insert(IncomeEntry.__table__).values(**row, amount_fen=amount))
    ids = [new_id(), new_id()]
    try:
        async with ctx.engine.begin() as conn:  # the bound itself is allowed, both ways
            for event_id, amount in zip(ids, (MAX_PAYMENT_FEN, -MAX_PAYMENT_FEN), strict=True):
                await conn.execute(insert(IncomeEntry.__table__).values(**row | {"event_id": event_id}, amount_fen=amount))
    finally:
        await _forget(ctx, ids)


async def test_replay_parks_the_same_out_of_bounds_fact_as_the_consumer(platform):
    """The rebuild (COPY on PostgreSQL, batches on SQLite) and the consumer agree on what is parked."""
    from services.ledger import audit
    from services.ledger.models import Base

    hid, code = new_id(), "440232100201"
    registered = seal(
        event_id=new_id(), service="households", type_="fupin.households.household_registered.v1", time="2026-01-01T08:00:00Z", subject=hid,
        data={"household_id": hid, "household_number": "N1", "village_code": code, "poverty_status": "registered_poor",
              "registered_on": "2026-01-01", "member_count": 3, "labour_count": 1},
        sequence=1, prevhash=GENESIS_HASH, actor="t", actorrole="city_admin", partitionkey=hid,
    )  # fmt: skip
    ok, bad = _income_envelope(hid, code, 500, sequence=1), _income_envelope(hid, code, 2**63 - 1, sequence=2)
    async with audit.scratch_database(platform.settings) as engine:
        async with audit.bulk_load(engine, scratch=True):
            assert await audit.replay_into(engine, {"households": [registered], "funds": [ok, bad]}) == 3
        parked = await audit.snapshot(engine, Base.metadata, "parked_fact")
        entries = await audit.snapshot(engine, Base.metadata, "income_entry")
    assert list(parked) == [(bad["id"],)] and "beyond" in parked[(bad["id"],)]["reason"]
    assert [k[0] for k in entries] == [ok["id"]]

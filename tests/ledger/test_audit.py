"""Audit: verify finds an altered, deleted or reordered event; replay --compare finds a hand-edited row."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from services.ledger import audit
from shared.db import create_engine
from shared.events.income import BenefitType
from tests.helpers import eventually, village_code
from tests.ledger.support import append, cli_env, household, income, village

B = BenefitType


async def fupin(platform, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real `fupin` command line against the test's platform."""
    cmd = [sys.executable, "-m", "fupin.cli", *args]
    return await asyncio.to_thread(subprocess.run, cmd, env=cli_env(platform.settings), capture_output=True, text=True, timeout=300)


async def _some_log(platform) -> tuple[str, str]:
    code = village_code()
    h = household(code)
    await append(platform, village(code), h)
    await append(platform, income(h, B.equity_dividend, 700), income(h, B.asset_income, 300))
    return code, h.household_id


async def _export(platform, **params) -> list[str]:
    async def complete():
        r = await platform.client.get("/ledger/v1/audit/export", params=params, headers=platform.as_("auditor"))
        assert r.status_code == 200, r.text
        lines = [line for line in r.text.splitlines() if line]
        sources = {json.loads(line)["source"] for line in lines}
        assert {"/fupin/households", "/fupin/funds"} <= sources
        return lines

    return await eventually(complete)


async def test_verify_accepts_the_untouched_log_over_http_and_cli(platform):
    await _some_log(platform)

    async def verified():
        r = await platform.client.get("/ledger/v1/audit/verify", headers=platform.as_("auditor"))
        assert r.status_code == 200 and r.json()["ok"] is True and r.json()["counts"]["/fupin/funds"] >= 2

    await eventually(verified)  # in distributed mode the relay publishes to Kafka asynchronously
    done = await fupin(platform, "audit", "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK" in done.stdout


async def test_audit_routes_are_for_auditors_and_city_admins_only(platform):
    officer = platform.as_("county_officer", "440232")
    assert (await platform.client.get("/ledger/v1/audit/verify", headers=officer)).status_code == 403
    assert (await platform.client.get("/ledger/v1/audit/export", headers=officer)).status_code == 403
    assert (await platform.client.get("/ledger/v1/audit/verify", headers=platform.admin)).status_code == 200


@pytest.mark.parametrize("tamper", ["alter", "delete", "swap"])
async def test_verify_fails_on_a_tampered_ndjson_export_naming_source_and_sequence(platform, tmp_path, tamper):
    await _some_log(platform)
    lines = await _export(platform)
    funds = [i for i, line in enumerate(lines) if json.loads(line)["source"] == "/fupin/funds"]
    i, j = funds[0], funds[1]
    target = json.loads(lines[i])
    # An altered event breaks at itself; a deleted or moved one at the event found in its place.
    expected = target["sequence"] if tamper == "alter" else json.loads(lines[j])["sequence"]
    if tamper == "alter":
        # Any change to the data will do; the log may hold other tests' funds facts first.
        target["data"] = {**target["data"], "amount_fen": target["data"].get("amount_fen", 0) + 1}
        lines[i] = json.dumps(target)
    elif tamper == "delete":
        del lines[i]
    else:
        lines[i], lines[j] = lines[j], lines[i]
    path = tmp_path / f"{tamper}.ndjson"
    path.write_text("\n".join(lines) + "\n")
    good = tmp_path / "good.ndjson"
    good.write_text("\n".join(await _export(platform)) + "\n")
    assert (await fupin(platform, "audit", "verify", "--from-file", str(good))).returncode == 0
    done = await fupin(platform, "audit", "verify", "--from-file", str(path))
    assert done.returncode != 0
    assert f"/fupin/funds at sequence {expected}" in done.stdout, done.stdout


async def test_a_filtered_export_is_verified_event_by_event(platform, tmp_path):
    _, hid = await _some_log(platform)
    lines = await _export(platform)
    r = await platform.client.get("/ledger/v1/audit/export", params={"household": hid}, headers=platform.as_("auditor"))
    assert r.headers["x-fupin-export"] == "filtered"
    mine = [json.loads(line) for line in r.text.splitlines() if line]
    assert len(mine) == 3 and len(lines) > 3
    path = tmp_path / "mine.ndjson"
    path.write_text(r.text)
    assert (await fupin(platform, "audit", "verify", "--from-file", str(path))).returncode != 0  # gaps: not a complete chain
    assert (await fupin(platform, "audit", "verify", "--from-file", str(path), "--filtered")).returncode == 0
    mine[0]["data"]["household_id"] = "someone-else"
    path.write_text("\n".join(json.dumps(e) for e in mine) + "\n")
    assert (await fupin(platform, "audit", "verify", "--from-file", str(path), "--filtered")).returncode != 0


def _copy_sqlite(src: Path, dst: Path) -> None:
    conn = sqlite3.connect(src)
    try:
        conn.execute(f"VACUUM INTO '{dst}'")
    finally:
        conn.close()


@pytest.mark.parametrize("tamper", ["alter", "delete", "swap"])
async def test_verify_fails_on_a_tampered_outbox_table(platform, tmp_path, tamper):
    if platform.mode != "embedded":
        pytest.skip("the outbox-table tampering runs on the embedded SQLite files")
    await _some_log(platform)
    copy = tmp_path / "var"
    copy.mkdir()
    for service in ("funds", "households", "market", "training", "ledger"):
        _copy_sqlite(Path(platform.settings.data_dir) / f"{service}.db", copy / f"{service}.db")
    db = sqlite3.connect(copy / "funds.db")
    seqs = [r[0] for r in db.execute("SELECT sequence FROM outbox ORDER BY sequence")]
    a, b = seqs[-2], seqs[-1]
    if tamper == "alter":
        payload = json.loads(db.execute("SELECT payload FROM outbox WHERE sequence = ?", (a,)).fetchone()[0])
        payload["data"]["income"]["amount_fen"] = 1
        db.execute("UPDATE outbox SET payload = ? WHERE sequence = ?", (json.dumps(payload), a))
    elif tamper == "delete":
        db.execute("DELETE FROM outbox WHERE sequence = ?", (a,))
    else:
        pa, pb = (db.execute("SELECT payload FROM outbox WHERE sequence = ?", (s,)).fetchone()[0] for s in (a, b))
        db.execute("UPDATE outbox SET payload = ? WHERE sequence = ?", (pb, a))
        db.execute("UPDATE outbox SET payload = ? WHERE sequence = ?", (pa, b))
    db.commit()
    db.close()
    settings = platform.settings.model_copy(update={"data_dir": copy})
    result = await audit.verify_log(settings, "outbox")
    assert not result.ok and result.breaks[0].source == "/fupin/funds"
    expected = a if tamper == "alter" else b  # a deleted or moved event breaks at the one found in its place
    assert result.breaks[0].sequence == expected
    env = cli_env(settings)
    done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "fupin.cli", "audit", "verify"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and f"/fupin/funds at sequence {expected}" in done.stdout, done.stdout


async def test_replay_compare_finds_a_projection_row_changed_by_hand(platform):
    code, hid = await _some_log(platform)

    async def identical():
        result = await audit.replay_compare(platform.settings)
        assert result.ok, result.report()
        return result

    await eventually(identical, timeout=60)
    engine = create_engine(platform.settings.database_url("ledger"))
    try:
        async with engine.begin() as conn:
            row = (
                await conn.execute(
                    text("SELECT event_id, amount_fen FROM income_entry WHERE household_id = :h AND benefit_type = 'equity_dividend'"), {"h": hid}
                )
            ).one()
            await conn.execute(text("UPDATE income_entry SET amount_fen = amount_fen + 1 WHERE event_id = :e"), {"e": row.event_id})
        result = await audit.replay_compare(platform.settings)
        assert not result.ok
        (diff,) = [t for t in result.tables if not t.ok]
        assert diff.table == "income_entry" and diff.changed[0][1] == {"amount_fen": (row.amount_fen + 1, row.amount_fen)}
        assert f"changed ('{row.event_id}', '{hid}', 'equity_dividend') amount_fen: live={row.amount_fen + 1} replay={row.amount_fen}" in result.report()
        r = await platform.client.get("/ledger/v1/audit/replay", headers=platform.as_("auditor"))
        assert r.status_code == 200 and r.json()["ok"] is False
        (table,) = [t for t in r.json()["tables"] if not t["identical"]]
        assert table["table"] == "income_entry" and table["changed"][0]["columns"] == {"amount_fen": {"live": row.amount_fen + 1, "replay": row.amount_fen}}
        done = await fupin(platform, "audit", "replay", "--compare")
        assert done.returncode != 0 and "income_entry" in done.stdout and "MISMATCH" in done.stdout, done.stdout + done.stderr
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE income_entry SET amount_fen = :a WHERE event_id = :e"), {"a": row.amount_fen, "e": row.event_id})
        await engine.dispose()
    done = await fupin(platform, "audit", "replay", "--compare")
    assert done.returncode == 0, done.stdout + done.stderr

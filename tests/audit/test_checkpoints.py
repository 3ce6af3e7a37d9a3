"""Signed checkpoints, inclusion and consistency proofs, over HTTP and the command line, in both modes."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from services.ledger import proofs
from shared.checkpoint import Checkpoint, CheckpointError, Signer, Verifier, open_checkpoint, signer_from_settings
from shared.events.income import BenefitType
from tests.audit.support import VERIFIER, fv
from tests.helpers import eventually, village_code
from tests.ledger.support import append, cli_env, household, income, village

B = BenefitType


async def fupin(settings, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "fupin.cli", *args]
    return await asyncio.to_thread(subprocess.run, cmd, env=cli_env(settings), capture_output=True, text=True, timeout=300)


def verify_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(VERIFIER), *args], capture_output=True, text=True, timeout=120)


async def _some_log(platform) -> str:
    code = village_code()
    h = household(code)
    await append(platform, village(code), h)
    await append(platform, income(h, B.equity_dividend, 700), income(h, B.asset_income, 300))
    return h.household_id


def _key(platform) -> Verifier:
    return signer_from_settings(platform.settings).verifier()


def _trees(platform) -> proofs.Trees:
    return proofs.trees_of(platform.context("ledger"))


async def test_checkpoints_verify_with_the_public_key_and_fail_with_another(platform, tmp_path):
    await _some_log(platform)
    done = await fupin(platform.settings, "audit", "checkpoint", "--source", "funds")
    assert done.returncode == 0, done.stderr
    note = done.stdout
    cp = open_checkpoint(note, _key(platform))
    assert cp.origin == f"{platform.settings.checkpoint_origin}/funds" and cp.size >= 2
    other = Signer.generate("fupin.test").verifier()  # same name, another key
    with pytest.raises(CheckpointError):
        open_checkpoint(note, other)
    # Altering any byte of the text breaks the signature.
    forged = note.replace(f"\n{cp.size}\n", f"\n{cp.size + 1}\n", 1)
    with pytest.raises(CheckpointError):
        open_checkpoint(forged, _key(platform))
    # The auditor's verifier agrees, on its own.
    (tmp_path / "kept").write_text(note)
    (tmp_path / "forged").write_text(forged)
    (tmp_path / "key").write_text(_key(platform).encode())
    assert verify_cli("checkpoint", "--key", str(tmp_path / "key"), "--checkpoint", str(tmp_path / "kept")).returncode == 0
    bad = verify_cli("checkpoint", "--key", other.encode(), "--checkpoint", str(tmp_path / "kept"))
    assert bad.returncode == 1 and "NOT VERIFIED" in bad.stdout
    assert verify_cli("checkpoint", "--key", str(tmp_path / "key"), "--checkpoint", str(tmp_path / "forged")).returncode == 1
    # `fupin audit public-key` prints the same verifier key the test derived.
    pk = await fupin(platform.settings, "audit", "public-key")
    assert pk.stdout.strip() == _key(platform).encode()


async def test_the_latest_checkpoint_is_published_at_a_well_known_url_to_anyone(platform):
    await _some_log(platform)
    await proofs.sign_checkpoints(_trees(platform), ("households",))
    r = await platform.client.get("/.well-known/fupin-log/households/checkpoint")  # no credentials
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    cp = open_checkpoint(r.text, _key(platform))
    assert cp.origin.endswith("/households")
    key = await platform.client.get("/.well-known/fupin-log/key")
    assert Verifier.parse(key.text) == _key(platform)
    assert (await platform.client.get("/.well-known/fupin-log/nonsense/checkpoint")).status_code == 404


async def test_signing_twice_without_appends_keeps_one_checkpoint_and_growth_makes_a_new_one(platform):
    await _some_log(platform)
    trees = _trees(platform)
    await proofs.sign_checkpoints(trees, ("funds",))
    first = await proofs.latest(trees, "funds")
    assert await proofs.sign_checkpoints(trees, ("funds",)) == []
    await _some_log(platform)
    (note,) = await proofs.sign_checkpoints(trees, ("funds",))
    assert Checkpoint.parse_text(_key(platform).open(note)).size > first.tree_size


async def test_proof_routes_are_for_auditors_and_city_admins(platform):
    officer = platform.as_("county_officer", "440232")
    for path in (
        "/ledger/v1/audit/proofs/inclusion?event_id=x",
        "/ledger/v1/audit/proofs/consistency?source=funds&first=1",
        "/ledger/v1/audit/checkpoints/funds",
    ):
        assert (await platform.client.get(path, headers=officer)).status_code == 403
        assert (await platform.client.get(path)).status_code == 401
    assert (await platform.client.get("/ledger/v1/audit/checkpoints/funds", headers=platform.admin)).status_code == 200
    r = await platform.client.get("/ledger/v1/audit/proofs/inclusion", params={"event_id": "no-such-event"}, headers=platform.as_("auditor"))
    assert r.status_code == 404 and r.json()["field"] == "event_id"
    r = await platform.client.get("/ledger/v1/audit/proofs/consistency", params={"source": "funds", "first": 10**12}, headers=platform.as_("auditor"))
    assert r.status_code in (400, 409, 422) and r.json()["field"] in ("first", "second")


async def test_an_inclusion_proof_verifies_for_every_event_of_a_run_and_fails_for_an_altered_one(platform, tmp_path):
    await _some_log(platform)
    trees = _trees(platform)
    await proofs.sign_checkpoints(trees)
    key = _key(platform).encode()
    checked = 0
    for source in proofs.SOURCES:
        row = await proofs.latest(trees, source)
        if row is None or row.tree_size == 0:
            continue
        async with trees.source(source).connect() as conn:
            from sqlalchemy import text

            ids = (await conn.execute(text("SELECT event_id FROM outbox WHERE sequence <= :n ORDER BY sequence"), {"n": row.tree_size})).scalars().all()
        for event_id in ids:
            proof = await proofs.inclusion(trees, event_id, row.tree_size)
            assert fv.verify_inclusion(row.note, fv.parse_key(key), proof, event_id)[-1].startswith(f"event {event_id}: INCLUDED")
            checked += 1
            altered = json.loads(json.dumps(proof))
            altered["event"]["data"]["tampered"] = True  # a changed fact …
            with pytest.raises(fv.Failed):
                fv.verify_inclusion(row.note, fv.parse_key(key), altered, event_id)
            altered["event"]["hash"] = fv.event_hash(altered["event"])  # … even with its own hash redone
            with pytest.raises(fv.Failed):
                fv.verify_inclusion(row.note, fv.parse_key(key), altered, event_id)
    assert checked >= 4
    # Over HTTP for an auditor, and through both command lines, for one household's income line.
    r = await platform.client.get("/ledger/v1/audit/proofs/inclusion", params={"event_id": ids[-1]}, headers=platform.as_("auditor"))
    assert r.status_code == 200, r.text
    (tmp_path / "proof.json").write_text(r.text)
    (tmp_path / "kept").write_text(r.json()["checkpoint"])
    ok = verify_cli("inclusion", "--key", key, "--checkpoint", str(tmp_path / "kept"), "--proof", str(tmp_path / "proof.json"))
    assert ok.returncode == 0 and "VERIFIED" in ok.stdout, ok.stdout + ok.stderr
    cli = await fupin(platform.settings, "audit", "proof", "inclusion", "--event-id", ids[-1], "-o", str(tmp_path / "cli.json"))
    assert cli.returncode == 0, cli.stderr
    assert json.loads((tmp_path / "cli.json").read_text())["inclusion_path"] == r.json()["inclusion_path"]


async def test_a_consistency_proof_verifies_across_appends_and_the_witness_keeps_both(platform, tmp_path):
    await _some_log(platform)
    trees = _trees(platform)
    await proofs.sign_checkpoints(trees, ("funds",))
    old = await proofs.latest(trees, "funds")
    store = tmp_path / "witness"
    key = _key(platform).encode()
    first = await fupin(platform.settings, "audit", "witness", "--store", str(store), "--key", key, "--source", "funds")
    assert first.returncode == 0 and "KEPT" in first.stdout, first.stdout + first.stderr
    for _ in range(3):
        await _some_log(platform)
    await proofs.sign_checkpoints(trees, ("funds",))
    new = await proofs.latest(trees, "funds")
    assert new.tree_size > old.tree_size
    r = await platform.client.get(
        "/ledger/v1/audit/proofs/consistency", params={"source": "funds", "first": old.tree_size, "second": new.tree_size}, headers=platform.as_("auditor")
    )
    assert r.status_code == 200, r.text
    proof = r.json()
    assert proof["first_checkpoint"] == old.note and proof["second_checkpoint"] == new.note
    assert fv.verify_consistency(old.note, new.note, fv.parse_key(key), proof)[-1].startswith("log: CONSISTENT")
    # The witness, given the new checkpoint and the proof by file, keeps it too.
    (tmp_path / "new").write_text(new.note)
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    done = await fupin(
        platform.settings,
        "audit",
        "witness",
        "--store",
        str(store),
        "--key",
        key,
        "--checkpoint",
        str(tmp_path / "new"),
        "--proof",
        str(tmp_path / "proof.json"),
    )
    assert done.returncode == 0 and f"extends the kept size {old.tree_size}" in done.stdout, done.stdout + done.stderr
    # A proof between other sizes, or a checkpoint that goes back, is refused.
    again = await fupin(platform.settings, "audit", "witness", "--store", str(store), "--key", key, "--checkpoint", str(tmp_path / "new"))
    assert again.returncode == 0  # the same checkpoint again: same size, same root
    (tmp_path / "old").write_text(old.note)
    back = await fupin(platform.settings, "audit", "witness", "--store", str(store), "--key", key, "--checkpoint", str(tmp_path / "old"))
    assert back.returncode == 1 and "never shrinks" in back.stdout


async def test_an_exported_log_is_consistent_with_a_kept_checkpoint_and_names_an_included_entry(platform, tmp_path):
    hid = await _some_log(platform)
    trees = _trees(platform)
    await proofs.sign_checkpoints(trees, ("funds",))
    kept = await proofs.latest(trees, "funds")
    export = tmp_path / "log.ndjson"

    async def complete():
        done = await fupin(platform.settings, "audit", "export", "--source", "funds", "-o", str(export))
        assert done.returncode == 0
        assert sum(1 for line in export.read_text().splitlines() if line) >= kept.tree_size

    await eventually(complete)  # distributed: the export reads Kafka, which the relay fills asynchronously
    mine = [json.loads(line) for line in export.read_text().splitlines() if hid in line]
    (tmp_path / "kept").write_text(kept.note)
    key = _key(platform).encode()
    ok = verify_cli("log", "--key", key, "--checkpoint", str(tmp_path / "kept"), "--log", str(export), "--event-id", mine[0]["id"])
    assert ok.returncode == 0 and "CONSISTENT" in ok.stdout and f"event {mine[0]['id']}: INCLUDED" in ok.stdout, ok.stdout + ok.stderr
    missing = verify_cli("log", "--key", key, "--checkpoint", str(tmp_path / "kept"), "--log", str(export), "--event-id", "not-an-event")
    assert missing.returncode == 1


async def test_checkpoints_are_signed_on_a_schedule(platform, tmp_path):
    from shared.service import ServiceContext

    await _some_log(platform)
    ctx: ServiceContext = platform.context("ledger")
    settings = platform.settings.model_copy(update={"checkpoint_interval_seconds": 0.05})
    scheduled = ServiceContext(**{**ctx.__dict__, "settings": settings, "extras": {}})
    await proofs.on_startup(scheduled)
    try:
        assert "checkpoint_schedule" in scheduled.extras

        async def signed():
            row = await proofs.latest(proofs.trees_of(scheduled), "households")
            assert row is not None
            async with proofs.trees_of(scheduled).source("households").connect() as conn:
                from shared import tlog

                assert row.tree_size == (await tlog.head(conn)).size

        await eventually(signed)
    finally:
        for extra in scheduled.extras.values():
            await extra.dispose()


def test_the_signing_key_placeholder_is_refused_outside_development(platform):
    with pytest.raises(CheckpointError):
        signer_from_settings(platform.settings.model_copy(update={"checkpoint_key": "dev-insecure-checkpoint-key"}))
    dev = platform.settings.model_copy(update={"env": "development", "checkpoint_key": "dev-insecure-checkpoint-key"})
    assert signer_from_settings(dev).name == "fupin.dev-insecure"


async def test_a_households_income_entries_are_each_proved_against_a_kept_checkpoint(platform, tmp_path):
    """docs/audit.md §7.3, "Verify a household's statement", done as the audit office does it."""
    hid = await _some_log(platform)
    auditor = platform.as_("auditor")

    async def projected():
        r = await platform.client.get(f"/ledger/v1/households/{hid}/income/entries", headers=platform.admin)
        assert r.status_code == 200 and len(r.json()["items"]) == 2, r.text
        return r.json()["items"]

    entries = await eventually(projected)
    trees = _trees(platform)
    await proofs.sign_checkpoints(trees, ("funds",))
    kept = (await platform.client.get("/.well-known/fupin-log/funds/checkpoint")).text
    size = open_checkpoint(kept, _key(platform)).size
    key = fv.parse_key(_key(platform).encode())
    for entry in entries:
        r = await platform.client.get("/ledger/v1/audit/proofs/inclusion", params={"event_id": entry["event_id"], "tree_size": size}, headers=auditor)
        assert r.status_code == 200, r.text
        proof = r.json()
        report = fv.verify_inclusion(kept, key, proof, entry["event_id"])
        assert "INCLUDED" in report[-1]
        # The proved event says what the statement's line says.
        line = proof["event"]["data"]["income"]
        assert (line["household_id"], line["benefit_type"], line["amount_fen"]) == (hid, entry["benefit_type"], entry["amount_fen"])
    # A proof against a size the tree does not have is a problem naming the field, not a 5xx.
    r = await platform.client.get("/ledger/v1/audit/proofs/inclusion", params={"event_id": entries[0]["event_id"], "tree_size": 2**50}, headers=auditor)
    assert r.status_code == 400 and r.json()["field"] == "tree_size"

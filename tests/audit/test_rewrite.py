"""Rewriting any stored event and re-hashing the chain after it: the hash chain cannot tell, a kept checkpoint can.

The attacker of this test can write the source's database: they change one event, recompute the
``hash`` and ``prevhash`` of every event after it (so `fupin audit verify` still passes) and
rebuild the Merkle tree from the rewritten events. What they cannot change is the checkpoint the
audit office kept before. Each run gets a platform of its own (both modes): it is tampered with.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text

from services.ledger import audit, proofs, witness
from shared import tlog
from shared.checkpoint import signer_from_settings
from shared.db import create_engine
from shared.events.envelope import canonical_json, event_hash
from shared.events.income import BenefitType
from tests.audit.support import fv
from tests.audit.test_checkpoints import fupin
from tests.conftest import MODES, Platform, drop_databases, make_settings
from tests.helpers import village_code
from tests.ledger.support import append, household, income, village

B = BenefitType


@pytest_asyncio.fixture(loop_scope="session", params=MODES)
async def own_platform(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    from fupin.embedded import create_app

    settings, run_id = await make_settings(request.param, tmp_path_factory.mktemp("rewrite"), run_consumers=False)
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fupin.test") as client:
                yield Platform(request.param, settings, app, client)
    finally:
        if request.param == "distributed":
            await drop_databases(run_id)


async def _incomes(platform: Platform, n: int) -> None:
    code = village_code()
    h = household(code)
    await append(platform, village(code), h)
    for i in range(n):
        await append(platform, income(h, B.equity_dividend, 100 + i))


async def _rewrite(settings, source: str, sequence: int) -> None:
    """Change the event at ``sequence``, re-hash the chain after it and rebuild the tree: a thorough forgery."""
    engine = create_engine(settings.database_url(source))
    try:
        async with engine.begin() as conn:
            rows = (await conn.execute(text("SELECT sequence, payload FROM outbox WHERE sequence >= :s ORDER BY sequence"), {"s": sequence})).all()
            prev = None
            for seq, payload in rows:
                env = json.loads(payload)
                if seq == sequence:
                    env["data"] = {**env["data"], "forged": "the money went elsewhere"}
                else:
                    env["prevhash"] = prev
                env["hash"] = event_hash(env)
                prev = env["hash"]
                await conn.execute(
                    text("UPDATE outbox SET payload = :p, hash = :h WHERE sequence = :s"), {"p": canonical_json(env).decode(), "h": env["hash"], "s": seq}
                )
            await conn.execute(text("UPDATE outbox_head SET last_hash = :h"), {"h": prev})
            await conn.run_sync(tlog.rebuild_tree)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("where", ["first", "middle", "last"])
async def test_rewriting_any_stored_event_is_detected_against_a_kept_checkpoint(own_platform, tmp_path, where):
    platform = own_platform
    await _incomes(platform, 6)
    trees = proofs.trees_of(platform.context("ledger"))
    await proofs.sign_checkpoints(trees, ("funds",))
    kept = await proofs.latest(trees, "funds")
    key = signer_from_settings(platform.settings).verifier()
    store = tmp_path / "witness"
    witness.witness(store, key, kept.note, None)  # the audit office keeps it
    n = kept.tree_size
    target = {"first": 1, "middle": (n + 1) // 2, "last": n}[where]

    (tmp_path / "kept").write_text(kept.note)
    base = ["audit", "verify", "--log", "outbox", "--source", "funds"]
    if where == "first":  # the untouched log passes against the kept checkpoint (once is enough)
        honest = await fupin(platform.settings, *base, "--checkpoint", str(tmp_path / "kept"), "--key", key.encode())
        assert honest.returncode == 0 and "OK" in honest.stdout, honest.stdout + honest.stderr

    await _rewrite(platform.settings, "funds", target)
    await _incomes(platform, 2)  # the platform goes on appending to the forged history

    # The hash chain alone is satisfied: this is the attack a chain cannot see.
    chain = await audit.verify_log(platform.settings, "outbox", ("funds",))
    assert chain.ok, chain.report()

    # 1. The exported log does not hash to the kept checkpoint's root.
    log = await audit.read_log(platform.settings, "outbox", ("funds",))
    lines = [line.decode() for line in audit.export_lines(log, audit.ExportFilter())]
    with pytest.raises(fv.Failed, match="rewritten"):
        fv.verify_log(kept.note, fv.parse_key(key.encode()), lines)

    # … and so does `fupin audit verify` once it is given the kept checkpoint.
    plain = await fupin(platform.settings, *base)
    assert plain.returncode == 0, plain.stdout
    against = await fupin(platform.settings, *base, "--checkpoint", str(tmp_path / "kept"), "--key", key.encode())
    assert against.returncode == 1 and "/fupin/funds: the first" in against.stdout and "rewritten" in against.stdout, against.stdout + against.stderr

    # 2. The platform's next checkpoint is not consistent with the kept one: the witness refuses it.
    await proofs.sign_checkpoints(trees, ("funds",))
    new = await proofs.latest(trees, "funds")
    assert new.tree_size > n
    proof = await proofs.consistency(trees, "funds", n, new.tree_size)
    with pytest.raises(witness.Refused, match="rewritten"):
        witness.witness(store, key, new.note, proof)
    assert witness.last_kept(store, f"{platform.settings.checkpoint_origin}/funds").checkpoint.size == n  # nothing written
    with pytest.raises(fv.Failed):
        fv.verify_consistency(kept.note, new.note, fv.parse_key(key.encode()), proof)

    # 3. The forged event's inclusion proof does not verify against the kept checkpoint.
    forged = json.loads(lines[target - 1])
    async with trees.source("funds").connect() as conn:
        path = await tlog.inclusion_proof(conn, target - 1, n)
    bundle = {
        "origin": f"{platform.settings.checkpoint_origin}/funds",
        "tree_size": n,
        "leaf_index": target - 1,
        "inclusion_path": [proofs.b64(h) for h in path],
        "event": forged,
    }
    with pytest.raises(fv.Failed):
        fv.verify_inclusion(kept.note, fv.parse_key(key.encode()), bundle)

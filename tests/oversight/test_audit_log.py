"""The ledger's audit reads oversight's log too: verified, exported, checkpointed and proved like the other sources."""

from __future__ import annotations

import json

from services.ledger import audit, proofs
from shared.checkpoint import signer_from_settings
from tests.audit.support import fv
from tests.oversight.support import approved, notice_of, shares

NOTICE_OPENED = "fupin.oversight.notice_opened.v2"


async def test_a_notices_facts_are_in_the_audited_exported_and_checkpointed_log(platform):
    s = await shares(platform, units=(1,))
    d = await approved(platform, s)
    notice = await notice_of(platform, d["id"], status="posted")
    assert "oversight" in audit.SOURCES and "oversight" in proofs.SOURCES
    assert "oversight" not in audit.PROJECTED  # the ledger books none of it: a replay does not read it

    result = await audit.verify_log(platform.settings, sources=audit.SOURCES)
    assert result.ok, result.report()
    assert result.counts["/fupin/oversight"] > 0

    r = await platform.client.get("/ledger/v1/audit/export", params={"source": "oversight", "type": NOTICE_OPENED}, headers=platform.as_("auditor"))
    assert r.status_code == 200, r.text
    opened = [json.loads(line) for line in r.text.splitlines() if line.strip()]
    [mine] = [e for e in opened if e["data"]["notice_id"] == notice["id"]]
    assert mine["source"] == "/fupin/oversight" and mine["data"]["digest"] == notice["digest"] and mine["data"]["subject_id"] == d["id"]

    trees = proofs.trees_of(platform.context("ledger"))
    await proofs.sign_checkpoints(trees, ("oversight",))
    row = await proofs.latest(trees, "oversight")
    assert row is not None and row.tree_size >= mine["sequence"]
    proof = await proofs.inclusion(trees, mine["id"], row.tree_size)
    key = fv.parse_key(signer_from_settings(platform.settings).verifier().encode())
    assert fv.verify_inclusion(row.note, key, proof, mine["id"])[-1].startswith(f"event {mine['id']}: INCLUDED")

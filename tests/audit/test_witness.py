"""The witness keeps what extends its history and refuses the rest; keys and notes round-trip exactly."""

from __future__ import annotations

import pytest

from services.ledger import witness
from shared import merkle
from shared.checkpoint import Checkpoint, CheckpointError, Signer, Verifier, key_id
from tests.audit.support import fv

ORIGIN = "fupin.shaoguan.gov.cn/funds"


def _tree(n: int, forge: int | None = None):
    leaves = [merkle.leaf_hash(b"forged" if i == forge else f"e{i}".encode()) for i in range(n)]
    store: dict = {}
    _, nodes = merkle.append_leaves(0, [], leaves)
    store.update({(lv, ix): h for lv, ix, h in nodes})
    return leaves, store


def _note(signer: Signer, leaves, size: int) -> str:
    return signer.sign(Checkpoint(ORIGIN, size, merkle.root_of_leaves(leaves[:size])).text())


def _proof(store, m: int, n: int) -> dict:
    import base64

    path = merkle.assemble(merkle.consistency_ranges(m, n), store.__getitem__)
    return {"first": m, "second": n, "consistency_path": [base64.b64encode(h).decode() for h in path]}


def test_keys_round_trip_and_match_the_verifiers_reading():
    for _ in range(50):  # base64 keys often hold "+": the name and id are the first fields only
        signer = Signer.generate("fupin.shaoguan.gov.cn")
        assert Signer.parse(signer.encode()).public == signer.public
        assert Verifier.parse(signer.verifier().encode()) == signer.verifier()
        name, kid, public = fv.parse_key(signer.verifier().encode())
        assert (name, kid, public) == (signer.name, key_id(signer.name, signer.public), signer.public)
    with pytest.raises(CheckpointError):
        Verifier.parse(signer.verifier().encode().replace(signer.key_id.hex(), "00000000"))


def test_the_note_is_the_c2sp_signed_note_form():
    signer = Signer.generate("fupin.shaoguan.gov.cn")
    note = signer.sign(Checkpoint(ORIGIN, 3, b"\x01" * 32).text())
    text, sig = note.split("\n\n")
    assert text == f"{ORIGIN}\n3\n{'AQEB' * 10}AQE=" and sig.startswith("\u2014 fupin.shaoguan.gov.cn ") and note.endswith("\n")
    assert fv.open_checkpoint(note, fv.parse_key(signer.verifier().encode())) == (ORIGIN, 3, b"\x01" * 32)


def test_the_witness_keeps_extensions_and_refuses_rewrites_forks_rollbacks_and_strangers(tmp_path):
    signer = Signer.generate("fupin.shaoguan.gov.cn")
    key = signer.verifier()
    leaves, store = _tree(20)
    forged, forged_store = _tree(20, forge=3)
    witness.witness(tmp_path, key, _note(signer, leaves, 5), None)
    witness.witness(tmp_path, key, _note(signer, leaves, 12), _proof(store, 5, 12))
    assert witness.last_kept(tmp_path, ORIGIN).checkpoint.size == 12
    refusals = {
        "a rewritten history": (_note(signer, forged, 20), _proof(forged_store, 12, 20), "rewritten"),
        "a fork at the kept size": (_note(signer, forged, 12), None, "fork"),
        "a rollback": (_note(signer, leaves, 7), None, "never shrinks"),
        "no proof": (_note(signer, leaves, 20), None, "proof"),
        "a proof between other sizes": (_note(signer, leaves, 20), _proof(store, 5, 20), "not 12 to 20"),
        "another key": (_note(Signer.generate("fupin.shaoguan.gov.cn"), leaves, 20), _proof(store, 12, 20), "signature"),
    }
    for why, (note, proof, says) in refusals.items():
        with pytest.raises(witness.Refused, match=says):
            witness.witness(tmp_path, key, note, proof)
        assert witness.last_kept(tmp_path, ORIGIN).checkpoint.size == 12, why  # nothing refused is written
    witness.witness(tmp_path, key, _note(signer, leaves, 20), _proof(store, 12, 20))
    assert witness.last_kept(tmp_path, ORIGIN).checkpoint.size == 20

"""A witness's memory: checkpoints kept in a directory, and the refusal of one that rewrites history.

The county audit office keeps every checkpoint it accepted, one file per origin and size
(``<store>/<origin with '/' as '_'>/<size>.checkpoint``). A new checkpoint is kept only if it is
signed by the platform's key and is consistent with the last one kept: the same root at the same
size, and at a larger size a consistency proof (RFC 9162 §2.1.4) from the kept one. A log never
shrinks. What is refused is never written.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared import merkle
from shared.checkpoint import Checkpoint, CheckpointError, Verifier, open_checkpoint


class Refused(Exception):
    """The checkpoint is not kept; the message says why."""


@dataclass(frozen=True)
class Kept:
    checkpoint: Checkpoint
    path: Path


def _dir(store: Path, origin: str) -> Path:
    return store / origin.replace("/", "_")


def last_kept(store: Path, origin: str) -> Kept | None:
    folder = _dir(store, origin)
    if not folder.is_dir():
        return None
    files = sorted((int(p.stem), p) for p in folder.glob("*.checkpoint") if p.stem.isdigit())
    if not files:
        return None
    path = files[-1][1]
    return Kept(Checkpoint.parse_text(path.read_text(encoding="utf-8").rpartition("\n\n")[0] + "\n"), path)


def witness(store: Path, verifier: Verifier, note: str, proof: dict[str, Any] | None) -> tuple[Checkpoint, Kept | None]:
    """Keep ``note`` if it is signed and consistent with the last kept checkpoint of its origin."""
    try:
        new = open_checkpoint(note, verifier)
    except CheckpointError as exc:
        raise Refused(f"signature: {exc}") from exc
    kept = last_kept(store, new.origin)
    if kept is not None:
        old = kept.checkpoint
        if new.size < old.size:
            raise Refused(f"{new.origin}: size {new.size} is smaller than the kept {old.size}: a log never shrinks")
        if new.size == old.size:
            if new.root != old.root:
                raise Refused(f"{new.origin}: a different root at the kept size {old.size}: the history was rewritten (a fork)")
        else:
            if proof is None:
                raise Refused(f"{new.origin}: a consistency proof from {old.size} to {new.size} is needed")
            if (proof.get("first"), proof.get("second")) != (old.size, new.size):
                raise Refused(f"{new.origin}: the proof is from {proof.get('first')} to {proof.get('second')}, not {old.size} to {new.size}")
            try:
                path = [base64.b64decode(h, validate=True) for h in proof.get("consistency_path", [])]
            except (ValueError, TypeError) as exc:
                raise Refused("the consistency proof is not base64 hashes") from exc
            if not merkle.verify_consistency(old.size, new.size, old.root, new.root, path):
                raise Refused(f"{new.origin}: the log of size {new.size} does not extend the kept one of size {old.size}: the history was rewritten")
    folder = _dir(store, new.origin)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{new.size}.checkpoint").write_text(note, encoding="utf-8")
    return new, kept


def load_verifier(value: str) -> Verifier:
    """A verifier key given inline or as the path of a file holding it."""
    path = Path(value)
    text = path.read_text(encoding="utf-8") if "+" not in value and path.exists() else value
    return Verifier.parse(text.strip())

"""fupin-verify: check Fupin's event log against a signed checkpoint, trusting nothing but a public key.

Standard library plus one Ed25519 implementation (``cryptography``); no database, no network, no
code of the platform. Written apart from the platform on purpose: it is the auditor's own check.

    fupin-verify checkpoint  --key KEY --checkpoint kept.checkpoint
    fupin-verify log         --key KEY --checkpoint kept.checkpoint --log export.ndjson [--event-id ID]
    fupin-verify inclusion   --key KEY --checkpoint kept.checkpoint --proof proof.json [--event-id ID]
    fupin-verify consistency --key KEY --old old.checkpoint --new new.checkpoint --proof proof.json

Exit status: 0 verified, 1 NOT verified (the output says what failed), 2 unreadable input.

What is checked (docs/audit.md has the same in prose):
- a checkpoint is a C2SP signed note whose text is ``origin\\nsize\\nbase64(root)\\n`` and whose
  signature line ``— <name> base64(key id || Ed25519 signature)`` verifies with the key
  ``<name>+<key id hex>+base64(0x01 || public key)``; key id = SHA-256(name || 0x0A || 0x01 || key)[:4];
- an event's Merkle leaf is SHA-256(0x00 || its RFC 8785 canonical JSON), interior nodes
  SHA-256(0x01 || left || right) (RFC 9162 §2.1); leaf index = the event's ``sequence`` − 1;
- an event's ``hash`` is SHA-256 of the canonical JSON of the event without ``hash``, and
  ``prevhash`` is the previous event's ``hash`` (64 zeros for the first);
- the origin's last path segment names the log (``…/funds`` holds events of source ``/fupin/funds``).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from typing import Any

__version__ = "1.0.0"

EM_DASH = "\u2014"


class Unreadable(Exception):
    """Input that is not what it claims to be (exit 2)."""


class Failed(Exception):
    """A verification that did not hold (exit 1)."""


# ---- RFC 8785 canonical JSON (the subset Fupin's events use: no floats) ----------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _string(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def jcs(value: Any) -> bytes:
    def enc(v: Any) -> str:
        if v is None:
            return "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        if isinstance(v, int):
            if abs(v) > 2**53 - 1:
                raise Unreadable(f"integer {v} has no exact canonical form")
            return str(v)
        if isinstance(v, float):
            raise Unreadable("a number with a fraction or exponent: Fupin's events hold none")
        if isinstance(v, str):
            return _string(v)
        if isinstance(v, list):
            return "[" + ",".join(enc(x) for x in v) + "]"
        if isinstance(v, dict):
            keys = sorted(v, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
            return "{" + ",".join(_string(k) + ":" + enc(v[k]) for k in keys) + "}"
        raise Unreadable(f"not JSON: {type(v).__name__}")

    return enc(value).encode("utf-8", "surrogatepass")


def event_hash(event: dict[str, Any]) -> str:
    return hashlib.sha256(jcs({k: v for k, v in event.items() if k != "hash"})).hexdigest()


# ---- RFC 9162 Merkle tree ----------------------------------------------------------------------------------


def leaf(event: dict[str, Any]) -> bytes:
    return hashlib.sha256(b"\x00" + jcs(event)).digest()


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def tree_root(leaves: list[bytes]) -> bytes:
    """MTH over the leaves, level by level (an odd last node rises unchanged, as RFC 9162's split gives)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    while len(level) > 1:
        nxt = [node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def check_inclusion(index: int, size: int, leaf_hash: bytes, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if index >= size or index < 0:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            r = node(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn // 2, sn // 2
        else:
            r = node(r, p)
        fn, sn = fn // 2, sn // 2
    return sn == 0 and r == root


def check_consistency(m: int, n: int, old_root: bytes, new_root: bytes, proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2 (size 0 is a prefix of everything; equal sizes need equal roots)."""
    if m == 0:
        return not proof
    if m > n:
        return False
    if m == n:
        return not proof and old_root == new_root
    if not proof:
        return False
    if m & (m - 1) == 0:
        proof = [old_root, *proof]
    fn, sn = m - 1, n - 1
    while fn % 2 == 1:
        fn, sn = fn // 2, sn // 2
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn // 2, sn // 2
        else:
            sr = node(sr, c)
        fn, sn = fn // 2, sn // 2
    return sn == 0 and fr == old_root and sr == new_root


# ---- keys and signed checkpoints --------------------------------------------------------------------------


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise Unreadable(f"{what} is not base64") from exc


def parse_key(text: str) -> tuple[str, bytes, bytes]:
    """``name+keyid+base64(0x01||key)`` → (name, key id, 32-byte Ed25519 public key)."""
    parts = text.strip().split("+", 2)  # base64 may hold "+": split the first two only
    if len(parts) != 3:
        raise Unreadable("the key reads <name>+<key id hex>+<base64 key>")
    name, kid, raw = parts[0], parts[1], _b64(parts[2], "the key")
    if len(raw) != 33 or raw[0] != 1:
        raise Unreadable("the key is not an Ed25519 key")
    expected = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if expected.hex() != kid.lower():
        raise Unreadable("the key's id does not match its name and key")
    return name, expected, raw[1:]


def open_checkpoint(note: str, key: tuple[str, bytes, bytes]) -> tuple[str, int, bytes]:
    """(origin, size, root) of a checkpoint carrying a valid signature by ``key``; raises ``Failed``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    name, kid, public = key
    cut = note.rfind("\n\n")
    if cut < 0:
        raise Unreadable("not a signed note (no blank line before its signatures)")
    text, sigs = note[: cut + 1], note[cut + 2 :]
    good = False
    for line in sigs.split("\n"):
        if not line:
            continue
        fields = line.split(" ")
        if len(fields) != 3 or fields[0] != EM_DASH:
            raise Unreadable(f"malformed signature line: {line!r}")
        if fields[1] != name:
            continue
        raw = _b64(fields[2], "a signature")
        if raw[:4] != kid or len(raw) != 68:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(raw[4:], text.encode())
        except InvalidSignature:
            raise Failed(f"the signature of {name} does not verify: the checkpoint was altered or signed by another key") from None
        good = True
    if not good:
        raise Failed(f"the checkpoint carries no signature of the key {name}")
    lines = text.split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        raise Unreadable("a checkpoint's text is origin, size and root hash lines")
    root = _b64(lines[2], "the root hash")
    if len(root) != 32:
        raise Unreadable("the root hash is not 32 bytes")
    return lines[0], int(lines[1]), root


# ---- the checks -------------------------------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise Unreadable(f"{path}: {exc.strerror}") from exc


def _key(value: str) -> tuple[str, bytes, bytes]:
    try:
        with open(value, encoding="utf-8") as fh:
            value = fh.read()
    except OSError:
        pass
    return parse_key(value)


def log_name(origin: str) -> str:
    return "/fupin/" + origin.rstrip("/").rsplit("/", 1)[-1]


def verify_log(note: str, key: tuple[str, bytes, bytes], lines: list[str], event_id: str | None = None) -> list[str]:
    """The log's first ``size`` events of the checkpoint's source must hash to its root."""
    origin, size, root = open_checkpoint(note, key)
    source = log_name(origin)
    events = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except ValueError as exc:
            raise Unreadable(f"line {number} is not JSON") from exc
        if isinstance(event, dict) and event.get("source") == source:
            events.append(event)
    events.sort(key=_sequence_of)
    report = [f"checkpoint: signature OK — {origin}, {size} events"]
    if len(events) < size:
        raise Failed(f"the log holds {len(events)} events of {source}, the checkpoint {size}: events are missing")
    prev = "0" * 64
    for i, event in enumerate(events[:size]):
        if event.get("sequence") != i + 1:
            raise Failed(f"{source}: expected sequence {i + 1}, found {event.get('sequence')}: an event is missing, added or moved")
        if event_hash(event) != event.get("hash"):
            raise Failed(f"{source} at sequence {i + 1} (event {event.get('id')}): its hash does not match its content")
        if event.get("prevhash") != prev:
            raise Failed(f"{source} at sequence {i + 1} (event {event.get('id')}): prevhash does not match the event before")
        prev = event["hash"]
    if tree_root([leaf(e) for e in events[:size]]) != root:
        raise Failed(
            f"{source}: the first {size} events do not hash to the checkpoint's root: "
            "this log is not the one the checkpoint was signed for (history was rewritten)"
        )
    report.append(f"log: CONSISTENT — its first {size} events of {source} are exactly the checkpointed log")
    if len(events) > size:
        report.append(f"log: {len(events) - size} later events, not covered by this checkpoint")
    if event_id is not None:
        found = [i for i, e in enumerate(events) if e.get("id") == event_id]
        if not found or found[0] >= size:
            raise Failed(f"event {event_id} is not among the {size} checkpointed events of {source}")
        report.append(f"event {event_id}: INCLUDED at index {found[0]}: {summary(events[found[0]])}")
    return report


def _sequence_of(event: dict[str, Any]) -> int:
    sequence = event.get("sequence")
    return sequence if isinstance(sequence, int) else -1


def summary(event: dict[str, Any]) -> str:
    return f"{event.get('type')} at {event.get('time')}: " + json.dumps(event.get("data"), ensure_ascii=False, sort_keys=True)


def verify_inclusion(note: str, key: tuple[str, bytes, bytes], proof: dict[str, Any], event_id: str | None = None) -> list[str]:
    origin, size, root = open_checkpoint(note, key)
    report = [f"checkpoint: signature OK — {origin}, {size} events"]
    event = proof.get("event")
    if not isinstance(event, dict):
        raise Unreadable("the proof carries no event")
    if event_id is not None and event.get("id") != event_id:
        raise Failed(f"the proof is for event {event.get('id')}, not {event_id}")
    if proof.get("origin") != origin or event.get("source") != log_name(origin):
        raise Failed(f"the proof is for the log {proof.get('origin')}, the checkpoint for {origin}")
    if proof.get("tree_size") != size:
        raise Failed(f"the proof is against size {proof.get('tree_size')}, the checkpoint has {size}: ask for a proof at tree_size={size}")
    index = proof.get("leaf_index")
    if not isinstance(index, int) or event.get("sequence") != index + 1:
        raise Failed("the proof's leaf index is not the event's sequence − 1")
    if event_hash(event) != event.get("hash"):
        raise Failed(f"event {event.get('id')}: its hash does not match its content (altered)")
    path = [_b64(h, "a proof hash") for h in proof.get("inclusion_path", [])]
    if not check_inclusion(index, size, leaf(event), path, root):
        raise Failed(f"event {event.get('id')} is NOT in the checkpointed log (this content at this index does not hash to its root)")
    report.append(f"event {event.get('id')}: INCLUDED at index {index}: {summary(event)}")
    return report


def verify_consistency(old_note: str, new_note: str, key: tuple[str, bytes, bytes], proof: dict[str, Any]) -> list[str]:
    o_origin, m, o_root = open_checkpoint(old_note, key)
    n_origin, n, n_root = open_checkpoint(new_note, key)
    if o_origin != n_origin:
        raise Failed(f"two different logs: {o_origin} and {n_origin}")
    if (proof.get("first"), proof.get("second")) != (m, n):
        raise Failed(f"the proof is from {proof.get('first')} to {proof.get('second')}, the checkpoints are {m} and {n}")
    path = [_b64(h, "a proof hash") for h in proof.get("consistency_path", [])]
    if not check_consistency(m, n, o_root, n_root, path):
        raise Failed(f"{n_origin}: the log at {n} does NOT extend the log at {m}: history was rewritten")
    return [f"checkpoints: signatures OK — {n_origin}", f"log: CONSISTENT — size {n} extends size {m}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fupin-verify", description="Verify Fupin's event log against a signed checkpoint.")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("checkpoint", "a checkpoint's signature"), ("log", "an exported log against a checkpoint"), ("inclusion", "an inclusion proof")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--key", required=True, help="the verifier key (name+id+key), or a file holding it")
        p.add_argument("--checkpoint", required=True, help="the kept checkpoint (signed note)")
        if name == "log":
            p.add_argument("--log", required=True, help="NDJSON written by `fupin audit export` (complete, not filtered)")
        if name == "inclusion":
            p.add_argument("--proof", required=True, help="JSON from `fupin audit proof inclusion` or GET /ledger/v1/audit/proofs/inclusion")
        if name in ("log", "inclusion"):
            p.add_argument("--event-id", help="say whether this event is in the checkpointed log")
    c = sub.add_parser("consistency", help="that a newer checkpoint extends a kept one")
    c.add_argument("--key", required=True)
    c.add_argument("--old", required=True)
    c.add_argument("--new", required=True)
    c.add_argument("--proof", required=True)
    args = parser.parse_args(argv)
    try:
        key = _key(args.key)
        if args.command == "checkpoint":
            origin, size, root = open_checkpoint(_read(args.checkpoint), key)
            report = [f"checkpoint: signature OK — {origin}, {size} events, root {root.hex()}"]
        elif args.command == "log":
            report = verify_log(_read(args.checkpoint), key, _read(args.log).splitlines(), args.event_id)
        elif args.command == "inclusion":
            report = verify_inclusion(_read(args.checkpoint), key, _json(args.proof), args.event_id)
        else:
            report = verify_consistency(_read(args.old), _read(args.new), key, _json(args.proof))
    except Failed as exc:
        print(f"NOT VERIFIED: {exc}")
        return 1
    except Unreadable as exc:
        print(f"fupin-verify: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report))
    print("VERIFIED")
    return 0


def _json(path: str) -> dict[str, Any]:
    try:
        value = json.loads(_read(path))
    except ValueError as exc:
        raise Unreadable(f"{path} is not JSON") from exc
    if not isinstance(value, dict):
        raise Unreadable(f"{path} is not a proof object")
    return value


if __name__ == "__main__":
    sys.exit(main())

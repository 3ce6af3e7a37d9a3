"""The CloudEvents 1.0 envelope (structured JSON mode) with Fupin's audit extensions.

Extension attributes (lower-case alphanumerics, as CloudEvents requires):
- ``sequence``: 1, 2, 3 … per source, no gaps;
- ``prevhash``: the ``hash`` of the previous event of the same source (64 zeros for the first);
- ``hash``: SHA-256 of the canonical bytes of the envelope without ``hash`` itself;
- ``actor`` / ``actorrole``: who did it;
- ``partitionkey``: the Kafka key (household id where the event has one), after the CloudEvents
  Partitioning extension;
- ``traceparent``: the W3C trace context of the request that recorded it, after the CloudEvents
  Distributed Tracing extension (absent outside a traced request). It is hashed like every
  other attribute: the chain proves it too.

The canonical bytes are RFC 8785 (JSON Canonicalization Scheme): UTF-8, no whitespace, object
members sorted by the UTF-16 code units of their names, strings escaped as ECMAScript's
``JSON.stringify`` does. Event data holds only strings, integers (within ±(2**53 − 1): money is
integer fen), booleans, null, arrays and objects — no floats — so every number is written as its
plain decimal integer, the one case where RFC 8785's number form needs no special algorithm. Any
language's RFC 8785 library reproduces the bytes, and so the hashes (docs/audit.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

GENESIS_HASH = "0" * 64
SPECVERSION = "1.0"


# RFC 8785 writes numbers as IEEE 754 doubles do: integers beyond this lose digits, so they are refused.
MAX_SAFE_INTEGER = 2**53 - 1


class NotCanonical(TypeError):
    """A value with no RFC 8785 form in Fupin's event data (a float, a huge integer, a non-JSON type)."""


def _refuse(value: Any) -> NoReturn:
    if type(value) is int:
        raise NotCanonical(f"integer {value} is outside ±(2**53 - 1) and has no exact RFC 8785 form")
    if type(value) is float:
        raise NotCanonical("floats are not allowed in event data (money is integer fen; use integers or strings)")
    raise NotCanonical(f"{type(value).__name__} has no JSON form; event data is plain JSON")


def _scan(value: Any) -> bool:
    """Refuse what has no canonical form here; True when an object key lies outside the BMP.

    Outside the Basic Multilingual Plane, sorting by code point (Python) and by UTF-16 code unit
    (RFC 8785) can differ, so such keys take the slow, explicit path. Iterative and inlined: it
    runs on every append, twice per event.
    """
    astral = False
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            for key, item in node.items():
                if type(key) is not str:
                    raise NotCanonical(f"object key {key!r} is not a string")
                if not key.isascii() and max(map(ord, key)) > 0xFFFF:
                    astral = True
                t = type(item)
                if t is str or t is bool or item is None:
                    continue
                if t is int:
                    if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                        _refuse(item)
                    continue
                if t is dict or t is list or t is tuple:
                    stack.append(item)
                    continue
                _refuse(item)
        elif kind is list or kind is tuple:
            for item in node:
                t = type(item)
                if t is str or t is bool or item is None:
                    continue
                if t is int:
                    if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                        _refuse(item)
                    continue
                if t is dict or t is list or t is tuple:
                    stack.append(item)
                    continue
                _refuse(item)
        elif kind is str or kind is bool or node is None:
            continue
        elif kind is int:
            if not -MAX_SAFE_INTEGER <= node <= MAX_SAFE_INTEGER:
                _refuse(node)
        else:
            _refuse(node)
    return astral


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _explicit(value: Any) -> str:
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: _utf16_key(kv[0]))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _explicit(v) for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_explicit(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def canonical_json(obj: Any) -> bytes:
    """RFC 8785 canonical bytes of ``obj`` (JSON without floats); raises ``NotCanonical`` otherwise.

    Python's ``json`` escapes exactly the characters RFC 8785 does (``"``, ``\\``, and U+0000–U+001F,
    with the short forms for \\b \\t \\n \\f \\r and lower-case ``\\u00xx`` for the rest), writes
    everything else as UTF-8, and its ``sort_keys`` equals UTF-16 order for keys inside the BMP.
    """
    if _scan(obj):
        return _explicit(obj).encode("utf-8")
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_hash(envelope: dict[str, Any]) -> str:
    body = {k: v for k, v in envelope.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def source_uri(service: str) -> str:
    return f"/fupin/{service}"


def service_of(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def seal(**fields: Any) -> dict[str, Any]:
    """The envelope of one event, its ``hash`` set (the keyword arguments of ``seal_canonical``)."""
    return seal_canonical(**fields)[0]


def _member(key: str, value: bytes) -> bytes:
    return b'"' + key.encode() + b'":' + value


def seal_canonical(
    *,
    event_id: str,
    service: str,
    type_: str,
    time: str,
    subject: str | None,
    data: dict[str, Any],
    sequence: int,
    prevhash: str,
    actor: str,
    actorrole: str,
    partitionkey: str | None,
    traceparent: str | None = None,
) -> tuple[dict[str, Any], bytes]:
    """The envelope of one event with its ``hash``, and its canonical bytes (what the outbox stores and the Merkle tree hashes)."""
    envelope: dict[str, Any] = {
        "specversion": SPECVERSION,
        "id": event_id,
        "source": source_uri(service),
        "type": type_,
        "time": time,
        "datacontenttype": "application/json",
        "data": data,
        "sequence": sequence,
        "prevhash": prevhash,
        "actor": actor,
        "actorrole": actorrole,
    }
    if subject:
        envelope["subject"] = subject
    if partitionkey:
        envelope["partitionkey"] = partitionkey
    if traceparent:
        envelope["traceparent"] = traceparent
    # The canonical bytes are built member by member, so the data (nearly all of them) is encoded
    # once for both the hash and the stored form: the top-level names are fixed ASCII words, whose
    # UTF-16 order is their plain order, and "hash" sorts between "datacontenttype" and "id".
    members = [(key, canonical_json(envelope[key])) for key in sorted(envelope)]
    digest = hashlib.sha256(b"{" + b",".join(_member(k, v) for k, v in members) + b"}").hexdigest()
    envelope["hash"] = digest
    members.append(("hash", b'"' + digest.encode() + b'"'))
    members.sort(key=lambda member: member[0])
    return envelope, b"{" + b",".join(_member(k, v) for k, v in members) + b"}"


@dataclass(frozen=True)
class ChainBreak:
    source: str
    sequence: int | None
    event_id: str | None
    reason: str

    def __str__(self) -> str:
        if self.sequence is None and self.event_id is None:  # the log as a whole (against a kept checkpoint)
            return f"{self.source}: {self.reason}"
        return f"{self.source} at sequence {self.sequence} (event {self.event_id}): {self.reason}"


def verify_chain(envelopes: Iterable[dict[str, Any]]) -> tuple[ChainBreak | None, dict[str, int]]:
    """Check every source's sequence and hash chain; return the first break and the count per source.

    Envelopes of several sources may be interleaved; within a source they must come in order
    (a log read back from Kafka partitions is sorted by sequence first).
    """
    last: dict[str, tuple[int, str]] = {}
    counts: dict[str, int] = {}
    for env in envelopes:
        source = str(env.get("source"))
        seq = env.get("sequence")
        prev_seq, prev_hash = last.get(source, (0, GENESIS_HASH))
        if not isinstance(seq, int):
            return ChainBreak(source, None, env.get("id"), "sequence missing"), counts
        if seq != prev_seq + 1:
            what = "an event is missing or was reordered" if seq > prev_seq + 1 else "an event was inserted, duplicated or reordered"
            return ChainBreak(source, seq, env.get("id"), f"expected sequence {prev_seq + 1}, found {seq}: {what}"), counts
        if env.get("prevhash") != prev_hash:
            return ChainBreak(source, seq, env.get("id"), "prevhash does not match the previous event's hash: the chain was cut or altered"), counts
        if event_hash(env) != env.get("hash"):
            return ChainBreak(source, seq, env.get("id"), "hash does not match the content: the event was altered"), counts
        last[source] = (seq, env["hash"])
        counts[source] = counts.get(source, 0) + 1
    return None, counts

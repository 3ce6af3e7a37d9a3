"""The CloudEvents 1.0 envelope (structured JSON mode) with Fupin's audit extensions.

Extension attributes (lower-case alphanumerics, as CloudEvents requires):
- ``sequence``: 1, 2, 3 … per source, no gaps;
- ``prevhash``: the ``hash`` of the previous event of the same source (64 zeros for the first);
- ``hash``: SHA-256 of the canonical JSON of the envelope without ``hash`` itself;
- ``actor`` / ``actorrole``: who did it;
- ``partitionkey``: the Kafka key (household id where the event has one), after the CloudEvents
  Partitioning extension.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64
SPECVERSION = "1.0"


def canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def event_hash(envelope: dict[str, Any]) -> str:
    body = {k: v for k, v in envelope.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def source_uri(service: str) -> str:
    return f"/fupin/{service}"


def service_of(source: str) -> str:
    return source.rsplit("/", 1)[-1]


def seal(
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
) -> dict[str, Any]:
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
    envelope["hash"] = event_hash(envelope)
    return envelope


@dataclass(frozen=True)
class ChainBreak:
    source: str
    sequence: int | None
    event_id: str | None
    reason: str

    def __str__(self) -> str:
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

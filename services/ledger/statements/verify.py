"""The check a card's QR code leads to: are its lines the ledger's, and is each line's fact in the signed log?

The card carries the household, the year, ``known_at`` and a digest of its lines. The check
recomputes the lines the ledger recorded until ``known_at`` and their digest; only when it matches
does it say anything about them (so the page shows nobody more than the card already does). Then
for each line: its event is in its source's log, its content hashes to its recorded hash, its income
line names this household, type, date and amount, and an inclusion proof of it verifies against the
latest signed checkpoint (RFC 9162, the checkpoint's signature checked with the ledger's key) — what
``fupin-verify`` checks offline with the proofs at ``/ledger/v1/audit/proofs/inclusion``.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger import proofs
from services.ledger.models import IncomeEntry, LedgerHousehold
from services.ledger.statements import service
from services.ledger.statements.schemas import LineCheck, StatementCheck, Verdict
from shared import merkle
from shared.checkpoint import CheckpointError, Verifier, open_checkpoint, signer_from_settings
from shared.events.envelope import canonical_json, event_hash
from shared.problems import NotFound

# What a line's check repeats of the card's line.
LINE_FIELDS = ("event_id", "benefit_type", "occurred_on", "amount_fen", "source")
MESSAGES = {
    "verified": "本卡所列收益与台账一致，每笔均在签名日志中（包含证明已核验）。",
    "pending_checkpoint": "本卡所列收益与台账一致，均在日志中；部分记录尚待下一次签名检查点后才能给出包含证明，请稍后再扫。",
    "failed": "本卡所列收益与台账一致，但有记录未能在日志中核实（缺失、被改动或与日志不符）：请报告审计部门。",
    "not_matching": "台账中没有与本卡核验码相符的收益明白卡：本卡可能被改动，或非本平台出具。",
}


def _income_matches(envelope: dict[str, Any], entry: IncomeEntry) -> bool:
    income = (envelope.get("data") or {}).get("income") or {}
    return (
        income.get("household_id") == entry.household_id
        and income.get("benefit_type") == entry.benefit_type
        and income.get("amount_fen") == entry.amount_fen
        and income.get("occurred_on") == entry.occurred_on.isoformat()
    )


class _Checkpoints:
    """The latest signed checkpoint of each source, opened once with the ledger's key."""

    def __init__(self, trees: proofs.Trees, verifier: Verifier | None) -> None:
        self.trees = trees
        self.verifier = verifier
        self.held: dict[str, tuple[int, bytes] | None] = {}

    async def of(self, source: str) -> tuple[int, bytes] | None:
        if source not in self.held:
            row = await proofs.latest(self.trees, source)
            opened = None
            if row is not None and self.verifier is not None:
                cp = open_checkpoint(row.note, self.verifier)
                opened = (cp.size, cp.root)
            self.held[source] = opened
        return self.held[source]


async def _check_line(trees: proofs.Trees, checkpoints: _Checkpoints, entry: IncomeEntry) -> LineCheck:
    check = LineCheck(in_log=False, **{name: getattr(entry, name) for name in LINE_FIELDS})
    try:
        source, index, envelope = await proofs.find_event(trees, entry.event_id)
    except NotFound:
        return check
    check.in_log = True
    check.leaf_index = index
    check.event_hash_ok = event_hash(envelope) == envelope.get("hash") and envelope.get("id") == entry.event_id
    check.income_matches = _income_matches(envelope, entry)
    held = await checkpoints.of(source)
    if held is None or held[0] <= index:
        return check  # no signed checkpoint covers it yet
    size, root = held
    proof = await proofs.inclusion(trees, entry.event_id, size)
    path = [base64.b64decode(h) for h in proof["inclusion_path"]]
    leaf = merkle.leaf_hash(canonical_json(envelope))
    check.tree_size = size
    check.included = base64.b64decode(proof["root_hash"]) == root and merkle.verify_inclusion(index, size, leaf, path, root)
    return check


def _verdict(lines: list[LineCheck]) -> Verdict:
    if any(not (c.in_log and c.event_hash_ok and c.income_matches) or c.included is False for c in lines):
        return "failed"
    if any(c.included is None for c in lines):
        return "pending_checkpoint"
    return "verified"


async def check(*, session: AsyncSession, trees: proofs.Trees, household_id: str, year: int, known_at: datetime | None, digest: str) -> StatementCheck:
    """The verdict on a card; ``not_matching`` (and nothing else) when no statement of the ledger has its digest."""
    refused = StatementCheck(verdict="not_matching", message=MESSAGES["not_matching"], household_id=household_id, year=year)
    household = await session.get(LedgerHousehold, household_id)
    if household is None:
        return refused
    entries: list[IncomeEntry] = []
    if known_at is not None:
        entries = (await service.lines_of(session, [household_id], year, until=known_at)).get(household_id, [])
        latest = max((e.recorded_at for e in entries), default=None)
        if latest is None or latest != known_at:
            return refused
    if service.digest_of(household_id, year, known_at, entries) != digest.lower():
        return refused
    try:
        verifier: Verifier | None = signer_from_settings(trees.settings).verifier()
    except CheckpointError:
        verifier = None  # no key configured: the lines can be found in the log but not proven in a checkpoint
    checkpoints = _Checkpoints(trees, verifier)
    lines = [await _check_line(trees, checkpoints, e) for e in entries]
    verdict = _verdict(lines)
    return StatementCheck(
        verdict=verdict,
        message=MESSAGES[verdict],
        household_id=household_id,
        year=year,
        known_at=known_at,
        total_fen=sum(e.amount_fen for e in entries),
        lines=lines,
        checkpoints={s: held[0] for s, held in checkpoints.held.items() if held is not None},
        later_lines=await service.later_lines(session, household_id, year, known_at),
    )

"""Proofs for auditors: signed checkpoints of each source's Merkle tree, inclusion and consistency proofs.

Each source (funds, households, market, training, oversight) extends its own tree as it appends to its
outbox (shared/outbox.py). The ledger reads those trees — in the source's own database, read
only, as ``fupin audit`` reads the outboxes — signs checkpoints of them (on a schedule and on
demand), keeps what it signed in its ``checkpoint`` table and publishes the latest at a
well-known URL. An auditor keeps checkpoints and checks proofs with ``fupin-verify``, which
trusts none of this code (docs/audit.md).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.ledger.models import Checkpoint as CheckpointRow
from services.ledger.models import col, table_of
from shared import tlog
from shared.auth import Role, readable_by
from shared.broker import reraise_cancellation, stop_tasks
from shared.checkpoint import Checkpoint, CheckpointError, origin_of, signer_from_settings
from shared.db import create_engine, utcnow
from shared.problems import Conflict, NotFound, Problem
from shared.service import ServiceContext, service_router
from shared.settings import FupinSettings

log = logging.getLogger("fupin.ledger.proofs")

SOURCES = ("funds", "households", "market", "training", "oversight")
INCLUSION_FORMAT = "fupin-inclusion-proof/1"
CONSISTENCY_FORMAT = "fupin-consistency-proof/1"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# ---- where the trees are -------------------------------------------------------------------------------


@dataclass
class Trees:
    """The ledger's database (checkpoints) and, read only, each source's (trees and events)."""

    settings: FupinSettings
    ledger: AsyncEngine
    sources: dict[str, AsyncEngine]

    def source(self, name: str) -> AsyncEngine:
        if name not in self.sources:
            raise NotFound(f"没有名为 {name} 的日志", detail_en=f"no log named {name}; the logs are {', '.join(SOURCES)}", field="source")
        return self.sources[name]


@asynccontextmanager
async def open_trees(settings: FupinSettings) -> AsyncIterator[Trees]:
    """For the command line: engines of its own, disposed afterwards."""
    engines = {s: create_engine(settings.database_url(s)) for s in SOURCES}
    ledger = create_engine(settings.database_url("ledger"))
    try:
        yield Trees(settings, ledger, engines)
    finally:
        for e in [*engines.values(), ledger]:
            await e.dispose()


def trees_of(ctx: ServiceContext) -> Trees:
    """For the ledger service: one read engine per source, kept in the context and disposed with it."""
    trees = ctx.extras.get("trees")
    if trees is None:
        trees = _TreesExtra(Trees(ctx.settings, ctx.engine, {s: create_engine(ctx.settings.database_url(s)) for s in SOURCES}))
        ctx.extras["trees"] = trees
    return trees.trees


@dataclass
class _TreesExtra:
    trees: Trees

    async def dispose(self) -> None:
        for e in self.trees.sources.values():
            await e.dispose()


# ---- checkpoints ---------------------------------------------------------------------------------------


async def latest(trees: Trees, source: str) -> Row[Any] | None:
    async with trees.ledger.connect() as conn:
        row = (
            await conn.execute(select(CheckpointRow).where(col(CheckpointRow.source) == source).order_by(col(CheckpointRow.tree_size).desc()).limit(1))
        ).first()
    return row


async def stored(trees: Trees, source: str, size: int) -> Row[Any] | None:
    async with trees.ledger.connect() as conn:
        return (await conn.execute(select(CheckpointRow).where(col(CheckpointRow.source) == source, col(CheckpointRow.tree_size) == size))).first()


async def sign_checkpoints(trees: Trees, sources: tuple[str, ...] = SOURCES) -> list[str]:
    """Sign and keep a checkpoint of every source whose tree grew since the last one; the new notes."""
    signer = signer_from_settings(trees.settings)
    table = table_of(CheckpointRow)
    notes = []
    for source in sources:
        async with trees.source(source).connect() as conn:
            tree = await tlog.head(conn)
        last = await latest(trees, source)
        if last is not None and last.tree_size >= tree.size:
            continue
        note = signer.sign(Checkpoint(origin_of(trees.settings, source), tree.size, tree.root).text())
        async with trees.ledger.begin() as conn:
            exists = (await conn.execute(select(table.c.tree_size).where(table.c.source == source, table.c.tree_size == tree.size))).first()
            if exists is None:  # two signers at once: the first one's note stands
                await conn.execute(table.insert().values(source=source, tree_size=tree.size, root_hash=tree.root.hex(), note=note, signed_at=utcnow()))
                notes.append(note)
    return notes


async def run_schedule(ctx: ServiceContext) -> None:
    interval = ctx.settings.checkpoint_interval_seconds
    trees = trees_of(ctx)
    while True:
        await asyncio.sleep(interval)
        try:
            signed = await sign_checkpoints(trees)
            if signed:
                log.info("checkpoints signed", extra={"count": len(signed)})
        except Exception:  # a source database that is down now may be up at the next tick
            reraise_cancellation()
            log.exception("signing checkpoints failed")


@dataclass
class _Schedule:
    task: asyncio.Task[None]

    async def dispose(self) -> None:
        await stop_tasks([self.task])


async def on_startup(ctx: ServiceContext) -> None:
    """Start signing checkpoints on the schedule of ``FUPIN_CHECKPOINT_INTERVAL_SECONDS`` (0: on demand only)."""
    if ctx.settings.checkpoint_interval_seconds <= 0:
        return
    try:
        signer_from_settings(ctx.settings)
    except CheckpointError as exc:
        log.warning("no scheduled checkpoints: %s", exc)
        return
    ctx.extras["checkpoint_schedule"] = _Schedule(asyncio.create_task(run_schedule(ctx), name="ledger:checkpoints"))


# ---- proofs --------------------------------------------------------------------------------------------


async def find_event(trees: Trees, event_id: str) -> tuple[str, int, dict[str, Any]]:
    for source in SOURCES:
        async with trees.source(source).connect() as conn:
            found = await tlog.entry(conn, event_id=event_id)
        if found is not None:
            return source, found[0], found[1]
    raise NotFound(f"日志中没有事件 {event_id}", detail_en=f"no event {event_id} in any log", field="event_id")


async def _size_for(trees: Trees, source: str, index: int, tree_size: int | None) -> tuple[int, str | None]:
    """The tree size to prove against (the latest checkpoint by default) and its note, if one was signed."""
    if tree_size is None:
        last = await latest(trees, source)
        if last is None or last.tree_size <= index:
            raise Conflict(
                "尚无覆盖该事件的签名检查点，请稍后再试",
                detail_en="no signed checkpoint covers this event yet; ask again after the next one (or name tree_size)",
                code="no_checkpoint_yet",
                field="tree_size",
            )
        return last.tree_size, last.note
    row = await stored(trees, source, tree_size)
    return tree_size, row.note if row is not None else None


def _tree_problem(exc: tlog.TreeError, field: str) -> Problem:
    return Problem(f"无法给出证明：{exc}", detail_en=f"no such proof: {exc}", code="no_such_proof", field=field)


async def inclusion(trees: Trees, event_id: str, tree_size: int | None = None) -> dict[str, Any]:
    source, index, envelope = await find_event(trees, event_id)
    size, note = await _size_for(trees, source, index, tree_size)
    async with trees.source(source).connect() as conn:
        try:
            path = await tlog.inclusion_proof(conn, index, size)
            root = await tlog.root_at(conn, size)
        except tlog.TreeError as exc:
            raise _tree_problem(exc, "tree_size") from exc
    return {
        "format": INCLUSION_FORMAT,
        "origin": origin_of(trees.settings, source),
        "event_id": event_id,
        "leaf_index": index,
        "tree_size": size,
        "root_hash": b64(root),
        "inclusion_path": [b64(h) for h in path],
        "checkpoint": note,
        "event": envelope,
    }


async def consistency(trees: Trees, source: str, first: int, second: int | None = None) -> dict[str, Any]:
    engine = trees.source(source)
    if second is None:
        last = await latest(trees, source)
        if last is None:
            raise Conflict("尚无签名检查点", detail_en="no checkpoint was signed yet", code="no_checkpoint_yet", field="second")
        second = last.tree_size
    async with engine.connect() as conn:
        try:
            path = await tlog.consistency_proof(conn, first, second)
            roots = (await tlog.root_at(conn, first), await tlog.root_at(conn, second))
        except tlog.TreeError as exc:
            raise _tree_problem(exc, "first") from exc
    notes = [await stored(trees, source, n) for n in (first, second)]
    return {
        "format": CONSISTENCY_FORMAT,
        "origin": origin_of(trees.settings, source),
        "first": first,
        "second": second,
        "first_root_hash": b64(roots[0]),
        "second_root_hash": b64(roots[1]),
        "consistency_path": [b64(h) for h in path],
        "first_checkpoint": notes[0].note if notes[0] else None,
        "second_checkpoint": notes[1].note if notes[1] else None,
    }


# ---- HTTP ----------------------------------------------------------------------------------------------

AUDITORS = readable_by(Role.auditor, Role.city_admin)
router = service_router("ledger", tags=["audit proofs"], dependencies=[AUDITORS])
# A signed checkpoint is safe to publish to anyone: unauthenticated, at a well-known URL.
well_known = APIRouter(prefix="/.well-known/fupin-log", tags=["audit proofs"])
Size = Annotated[int, Query(ge=0, le=2**53 - 1)]


def _ledger(request: Request) -> Trees:
    return trees_of(request.app.state.contexts["ledger"])


@well_known.get(
    "/{source}/checkpoint",
    summary="The latest signed checkpoint of a source's log (C2SP tlog-checkpoint, signed note)",
    response_class=PlainTextResponse,
)
async def published_checkpoint(request: Request, source: str) -> PlainTextResponse:
    trees = _ledger(request)
    trees.source(source)
    row = await latest(trees, source)
    if row is None:
        raise NotFound("尚无签名检查点", detail_en="no checkpoint was signed yet", code="no_checkpoint_yet")
    return PlainTextResponse(row.note, headers={"Cache-Control": "no-cache"})


@well_known.get("/key", summary="The checkpoint verifier key (compare it with the one the audit office was given)", response_class=PlainTextResponse)
async def published_key(request: Request) -> PlainTextResponse:
    try:
        signer = signer_from_settings(request.app.state.settings)
    except CheckpointError as exc:
        raise NotFound("未配置检查点签名密钥", detail_en=str(exc), code="no_checkpoint_key") from exc
    return PlainTextResponse(signer.verifier().encode() + "\n")


@router.get("/audit/checkpoints/{source}", summary="Checkpoints signed for a source, newest first")
async def list_checkpoints(request: Request, source: str, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
    trees = _ledger(request)
    trees.source(source)
    async with trees.ledger.connect() as conn:
        rows = (
            await conn.execute(select(CheckpointRow).where(col(CheckpointRow.source) == source).order_by(col(CheckpointRow.tree_size).desc()).limit(limit))
        ).all()
    return [{"tree_size": r.tree_size, "root_hash": b64(bytes.fromhex(r.root_hash)), "signed_at": r.signed_at.isoformat(), "note": r.note} for r in rows]


@router.get(
    "/audit/proofs/inclusion",
    summary="Proof that an event (e.g. an income entry's) is in a signed checkpoint",
    responses={404: {"description": "No event with this id in any log"}},
)
async def inclusion_route(
    request: Request,
    event_id: Annotated[str, Query(min_length=1, max_length=36)],
    tree_size: Annotated[int | None, Query(ge=1, le=2**53 - 1, description="default: the latest checkpoint")] = None,
) -> dict[str, Any]:
    return await inclusion(_ledger(request), event_id, tree_size)


@router.get(
    "/audit/proofs/consistency",
    summary="Proof that a source's log at size `second` extends the log at size `first`",
    responses={404: {"description": "No log of this name"}},
)
async def consistency_route(
    request: Request,
    source: Annotated[str, Query(max_length=40)],
    first: Size,
    second: Annotated[int | None, Query(ge=0, le=2**53 - 1, description="default: the latest checkpoint")] = None,
) -> dict[str, Any]:
    return await consistency(_ledger(request), source, first, second)

"""A service as the app holds it: its spec (routes, tables, migrations, subscriptions) and its context (engine,
sessions, vault, outbox signal), and the dependencies a route takes them by (``ContextDep``, ``SessionDep``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.admission import WriteGate
from shared.auth import Principal
from shared.bus import Signal, Subscription, maybe_locked
from shared.outbox import PRINCIPAL_KEY, append_pending
from shared.pii import PiiVault
from shared.settings import FupinSettings

log = logging.getLogger("fupin.http")


@dataclass
class ServiceSpec:
    """What a service brings to an app: its routes, its tables and migrations, what it listens to."""

    name: str
    routers: Sequence[APIRouter]
    metadata: MetaData
    migrations: Path
    subscriptions: Sequence[Subscription] = ()
    on_startup: Callable[[ServiceContext], Awaitable[None]] | None = None
    description: str = ""


@dataclass
class ServiceContext:
    spec: ServiceSpec
    settings: FupinSettings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    signal: Signal
    vault: PiiVault
    write_lock: asyncio.Lock | None
    # Admission control for write requests: SQLite's single writer, or a few concurrent
    # transactions on PostgreSQL (they all meet on the outbox head lock; more only queue there,
    # holding connections, and the lock holder's next statement waits behind them;
    # and at most FUPIN_MAX_QUEUED_WRITES waiting for them: shared.admission.WriteGate).
    write_gate: WriteGate | asyncio.Lock | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    # When (time.monotonic()) the next keyed write also deletes a batch of expired idempotency records.
    idempotency_purge_due: float = 0.0

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def idempotency_ttl(self) -> timedelta:
        return timedelta(hours=self.settings.idempotency_ttl_hours)

    async def commit(self, session: AsyncSession) -> list[dict[str, Any]]:
        """Append the session's events to the outbox and commit both; then wake the relay."""
        envelopes = await append_pending(session, self.spec.metadata, self.name)
        await session.commit()
        if envelopes:
            self.signal.notify()
            log.info(
                "events recorded",
                extra={
                    "service": self.name,
                    "event_ids": [e["id"] for e in envelopes[:50]],
                    "event_types": sorted({e["type"] for e in envelopes}),
                    "count": len(envelopes),
                    "through_sequence": envelopes[-1]["sequence"],
                },
            )
        return envelopes

    @asynccontextmanager
    async def write_session(self, principal: Principal | None = None) -> AsyncIterator[AsyncSession]:
        """A unit of work outside HTTP (imports, seeds, consumers): events and state commit together."""
        async with maybe_locked(self.write_lock), self.sessionmaker() as session:
            if principal is not None:
                session.info[PRINCIPAL_KEY] = principal
            yield session
            await self.commit(session)


# Dependencies are coroutines on purpose: FastAPI runs plain functions in a thread pool.
async def context_of(request: Request) -> ServiceContext:
    ctx: ServiceContext = request.state.ctx
    return ctx


async def session_of(request: Request) -> AsyncSession:
    session: AsyncSession = request.state.session
    return session


ContextDep = Annotated[ServiceContext, Depends(context_of)]
SessionDep = Annotated[AsyncSession, Depends(session_of)]

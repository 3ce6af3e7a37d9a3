"""Admission control: past saturation a process answers 503 at once instead of queueing for seconds.

Measured before this existed (issue 19): offered 337 req/s, the signed webhook path served 201 req/s
with a p99 of 8.6 s — every request was accepted into the event loop and waited its turn, so a
partner's retry (or a cadre's phone) saw a timeout instead of a quick "try again". Now each process
admits at most ``FUPIN_MAX_IN_FLIGHT`` requests at a time; the next one is answered ``503`` with
``Retry-After`` (a problem document, ``code: overloaded``) before its body is read, so it costs
almost nothing and writes nothing. The bound caps the queueing delay of the admitted requests at
roughly ``max_in_flight × service time``. Health and metrics endpoints are never refused: an
overloaded process is alive, and a probe must be able to say so.

Writes have a tighter bound (``WriteGate``): a service runs ``FUPIN_MAX_CONCURRENT_WRITES`` write
transactions at a time on PostgreSQL and lets ``FUPIN_MAX_QUEUED_WRITES`` more wait for one; a write
arriving when that many wait is refused here, before its body is read, like one past the in-flight
bound. An admitted write therefore waits behind at most concurrent + queued transactions.
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.errors import Unavailable
from shared.metrics import HTTP_SHED
from shared.problems import problem_response

EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class Overloaded(Unavailable):
    """503: this process has as many requests in progress as it admits; retry after ``Retry-After`` seconds."""

    code = "overloaded"


class AdmissionMiddleware:
    """Admit at most ``max_in_flight`` HTTP requests at a time (0: no bound); refuse the rest quickly."""

    def __init__(self, app: ASGIApp, *, max_in_flight: int, retry_after_seconds: int = 1) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.retry_after = str(retry_after_seconds)
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.max_in_flight or scope.get("path") in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        service = str(scope.get("path", "")).strip("/").split("/", 1)[0] or "-"
        gate = _write_gate(scope, service)
        if self.in_flight >= self.max_in_flight or (gate is not None and gate.full):
            HTTP_SHED.labels(service).inc()
            if gate is not None and gate.full:
                detail_en = f"{gate.waiting} writes already wait for a transaction of this process; retry after the Retry-After delay"
            else:
                detail_en = f"this process is serving {self.in_flight} requests, as many as it admits; retry after the Retry-After delay"
            problem = Overloaded("系统繁忙，请稍后重试", detail_en=detail_en, headers={"Retry-After": self.retry_after})
            await problem_response(Request(scope), problem)(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _write_gate(scope: Scope, service: str) -> WriteGate | None:
    """The write gate a write request to ``service`` will wait at, so a full one refuses it here: before its body is read or routed."""
    if scope.get("method") not in WRITE_METHODS:
        return None
    app = scope.get("app")
    contexts = getattr(getattr(app, "state", None), "contexts", None)
    ctx = contexts.get(service) if isinstance(contexts, dict) else None
    gate = getattr(ctx, "write_gate", None)
    return gate if isinstance(gate, WriteGate) else None


class WriteGate:
    """At most ``concurrent`` write transactions of a service at a time, and at most ``queued`` waiting for one (0: no bound).

    Write transactions meet on the outbox head lock, so a PostgreSQL process runs only
    ``FUPIN_MAX_CONCURRENT_WRITES`` of them at once; before this bound, every other admitted write
    (up to ``FUPIN_MAX_IN_FLIGHT``, 64) waited here for a slot, and past saturation an accepted
    webhook took ~0.8 s (issue 19). With ``FUPIN_MAX_QUEUED_WRITES`` waiting, the next write is
    answered 503 ``overloaded`` with ``Retry-After`` at once, before any statement, so an accepted
    one waits for at most that many transactions ahead of it.
    """

    def __init__(self, service: str, *, concurrent: int, queued: int, retry_after_seconds: int = 1) -> None:
        self.service = service
        self.slots = asyncio.Semaphore(concurrent)
        self.queued = queued
        self.waiting = 0
        self.retry_after = str(retry_after_seconds)

    @property
    def full(self) -> bool:
        """Every transaction slot taken and as many writes waiting as admitted: the next is refused."""
        return bool(self.queued) and self.slots.locked() and self.waiting >= self.queued

    async def __aenter__(self) -> None:
        if self.slots.locked():
            if self.full:
                HTTP_SHED.labels(self.service).inc()
                raise Overloaded(
                    "系统繁忙，请稍后重试",
                    detail_en=f"{self.waiting} writes already wait for a transaction of this process; retry after the Retry-After delay",
                    headers={"Retry-After": self.retry_after},
                )
            self.waiting += 1
            try:
                await self.slots.acquire()
            finally:
                self.waiting -= 1
        else:
            await self.slots.acquire()

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.slots.release()

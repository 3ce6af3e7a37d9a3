"""Admission control (issue 19): past its bound a process answers 503 with Retry-After at once.

Seen before: offered more than it could serve, the signed webhook path queued every request and
answered with a p99 of 8.6 s. A refused request must be quick, say when to retry, write nothing
(its handler never runs) and leave the health endpoints answering.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from shared.admission import AdmissionMiddleware, Overloaded, WriteGate


def busy_app() -> tuple[Starlette, asyncio.Event, list[str]]:
    release = asyncio.Event()
    served: list[str] = []

    async def slow(request):
        served.append(request.url.path)
        await release.wait()
        return PlainTextResponse("done")

    async def healthz(request):
        return PlainTextResponse("alive")

    app = Starlette(routes=[Route("/market/v1/webhooks/jd", slow, methods=["POST"]), Route("/healthz", healthz)])
    return app, release, served


async def test_a_request_past_the_bound_is_refused_at_once_with_retry_after_and_never_reaches_its_handler():
    app, release, served = busy_app()
    admitted = AdmissionMiddleware(app, max_in_flight=2, retry_after_seconds=1)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=admitted), base_url="http://test") as client:
        first = [asyncio.create_task(client.post("/market/v1/webhooks/jd", content=b"{}")) for _ in range(2)]
        while admitted.in_flight < 2:
            await asyncio.sleep(0.01)
        refused = await client.post("/market/v1/webhooks/jd", content=b"{}")
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "overloaded"
        assert served == ["/market/v1/webhooks/jd"] * 2  # the refused one never ran
        health = await client.get("/healthz")
        assert health.status_code == 200, "a full process is alive and must say so"
        release.set()
        assert [r.status_code for r in await asyncio.gather(*first)] == [200, 200]
        assert admitted.in_flight == 0
        again = await client.post("/market/v1/webhooks/jd", content=b"{}")
        assert again.status_code == 200, "the bound frees as requests finish"


async def test_zero_switches_the_bound_off():
    app, release, served = busy_app()
    release.set()
    open_door = AdmissionMiddleware(app, max_in_flight=0)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=open_door), base_url="http://test") as client:
        answers = await asyncio.gather(*(client.post("/market/v1/webhooks/jd", content=b"{}") for _ in range(20)))
    assert {r.status_code for r in answers} == {200} and len(served) == 20


async def test_the_platform_admits_at_most_its_setting(platform):
    (middleware,) = [m for m in platform.app.user_middleware if m.cls is AdmissionMiddleware]
    assert middleware.kwargs["max_in_flight"] == platform.settings.max_in_flight > 0
    webhook = platform.app.openapi()["paths"]["/market/v1/webhooks/{partner}"]["post"]["responses"]["503"]
    assert "overloaded" in webhook["description"] and "Retry-After" in webhook["headers"]


async def test_a_write_past_the_queue_bound_is_refused_before_any_statement_and_the_waiting_ones_go_on():
    gate = WriteGate("market", concurrent=1, queued=1, retry_after_seconds=2)
    release = asyncio.Event()
    ran: list[str] = []

    async def write(name: str) -> None:
        async with gate:
            ran.append(name)
            await release.wait()

    first = asyncio.create_task(write("first"))
    while not ran:
        await asyncio.sleep(0)
    second = asyncio.create_task(write("second"))
    while gate.waiting < 1:
        await asyncio.sleep(0)
    with pytest.raises(Overloaded) as refused:
        await write("third")
    assert refused.value.status == 503 and refused.value.code == "overloaded"
    assert refused.value.headers == {"Retry-After": "2"}
    release.set()
    await asyncio.gather(first, second)
    assert ran == ["first", "second"], "the refused write never ran; the one waiting did"
    assert gate.waiting == 0 and not gate.slots.locked()


async def test_the_platform_bounds_the_writes_waiting_for_a_transaction_on_postgresql(platform):
    gate = platform.app.state.contexts["market"].write_gate
    if platform.settings.database_url("market").startswith("sqlite"):
        assert isinstance(gate, asyncio.Lock), "SQLite's one writer: writes wait for the lock, bounded by FUPIN_MAX_IN_FLIGHT"
    else:
        assert isinstance(gate, WriteGate)
        assert gate.queued == platform.settings.max_queued_writes > 0

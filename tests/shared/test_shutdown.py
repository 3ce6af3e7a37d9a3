"""Shutdown ends even when a library turns the cancellation into another error.

Seen in a fresh-clone run of the suite: the distributed platform's shutdown never ended (the run
sat for over twenty minutes in the last fixture's teardown, the relay and the subscriber still
polling). The relay had been cancelled inside a query; the ``async with`` holding its connection
failed to roll back on the broken connection, and that error replaced the ``CancelledError``. It
looked like a database outage, so the relay's loop retried forever, and ``guarded`` waited for it
forever. Both are modelled here with the real loops and a query that fails that way.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

from shared.broker import DatabaseUnavailable, Outage, guarded, stop_tasks
from shared.bus import Signal
from shared.kafka import KafkaRelay
from shared.settings import FupinSettings


async def query_that_fails_when_cancelled() -> int:
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        # What a failed rollback in the connection's __aexit__ does to the cancellation.
        raise DatabaseUnavailable() from ConnectionResetError("connection was closed in the middle of operation")
    return 0


def relay() -> KafkaRelay:
    settings = FupinSettings(kafka_backoff_initial_seconds=0.01, kafka_backoff_max_seconds=0.01)
    r = KafkaRelay(service="funds", engine=None, metadata=None, settings=settings, signal=Signal())  # type: ignore[arg-type]
    r.publish_pending = query_that_fails_when_cancelled  # type: ignore[method-assign]
    return r


async def test_a_relay_cancelled_inside_a_query_stops_although_the_query_reports_a_database_error():
    r = relay()
    task = asyncio.create_task(r._publish_forever(asyncio.Event(), Outage("database", 30)))
    await asyncio.sleep(0.05)
    task.cancel()
    await asyncio.wait({task}, timeout=5)  # not wait_for: it would wait for a task that never stops
    assert task.done(), "the relay kept retrying after it was cancelled"
    assert task.cancelled()


async def test_guarded_work_that_swallows_one_cancellation_is_cancelled_again_and_shutdown_ends():
    swallowed = []

    async def stubborn() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            swallowed.append(True)  # a library that eats the first cancellation and carries on
        await asyncio.sleep(3600)

    settings = FupinSettings(broker_probe_seconds=3600)
    outer = asyncio.create_task(guarded(settings, stubborn(), "test"))
    await asyncio.sleep(0.05)
    outer.cancel()
    await asyncio.wait({outer}, timeout=10)
    assert outer.done(), "guarded waited for ever for work that ate its cancellation"
    assert outer.cancelled() and swallowed == [True]


async def test_stop_tasks_cancels_again_until_a_task_that_ate_one_cancellation_stops():
    # The application's shutdown cancelled its relay, subscriber and freshness tasks once and then
    # waited for them: a bench's app sat for half an hour in that wait (event loop idle, two idle
    # database connections). Every shutdown now goes through stop_tasks.
    swallowed = []

    async def stubborn() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            swallowed.append(True)
        await asyncio.sleep(3600)

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0.01)
    stopper = asyncio.create_task(stop_tasks([task], patience=10))
    await asyncio.wait({stopper}, timeout=10)
    assert stopper.done() and task.cancelled() and swallowed == [True]


async def test_stop_tasks_leaves_a_task_that_never_stops_and_names_it(caplog):
    async def immortal() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue

    task = asyncio.create_task(immortal(), name="immortal-relay")
    await asyncio.sleep(0.01)
    with caplog.at_level(logging.ERROR, logger="fupin"):
        await asyncio.wait_for(stop_tasks([task], patience=0.6), timeout=10)
    assert not task.done()
    assert any("did not stop" in r.getMessage() and r.__dict__.get("tasks") == ["immortal-relay"] for r in caplog.records)
    task.get_coro().close()  # type: ignore[union-attr]  # the test's own immortal task, closed by hand


async def test_the_notice_sweeper_stops_when_its_sweep_turns_the_cancellation_into_a_database_error(monkeypatch):
    from services.oversight import sweeper

    sweeps = []
    ctx = SimpleNamespace(settings=SimpleNamespace(notice_sweep_seconds=0.01), extras={})
    original = sweeper.close_due_notices

    async def sweep_that_fails_when_cancelled(of):
        if of is not ctx:  # the session's platform sweeps too, in this event loop: its sweeps are its own
            return await original(of)
        sweeps.append(1)
        return [await query_that_fails_when_cancelled()]

    monkeypatch.setattr(sweeper, "close_due_notices", sweep_that_fails_when_cancelled)
    running = sweeper.Sweeper(ctx)  # type: ignore[arg-type]  # the loop reads only the sweep interval
    await asyncio.sleep(0.1)
    stopper = asyncio.create_task(running.dispose())
    await asyncio.wait({stopper}, timeout=10)
    assert stopper.done() and running.task.cancelled() and sweeps == [1]

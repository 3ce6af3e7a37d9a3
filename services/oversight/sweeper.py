"""The periodic task that closes notices whose window has ended, by the service's clock (``clock.py``)."""

from __future__ import annotations

import asyncio
import logging

from services.oversight.clock import Clock
from services.oversight.notices import service as notices
from shared.broker import reraise_cancellation, stop_tasks
from shared.service import ServiceContext

log = logging.getLogger("fupin.oversight")


def clock_of(ctx: ServiceContext) -> Clock:
    clock = ctx.extras.get("clock")
    if not isinstance(clock, Clock):
        clock = ctx.extras["clock"] = Clock()
    return clock


async def close_due_notices(ctx: ServiceContext) -> list[str]:
    """One sweep: close every notice due by the clock, in one transaction; the ids closed."""
    async with ctx.write_session() as session:
        return await notices.close_due(session, now=clock_of(ctx).now())


class Sweeper:
    """Runs ``close_due_notices`` every ``FUPIN_NOTICE_SWEEP_SECONDS``; ``dispose`` (at shutdown) stops it."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.task = asyncio.create_task(self._run(), name="oversight:notice-sweeper")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.ctx.settings.notice_sweep_seconds)
            try:
                closed = await close_due_notices(self.ctx)
                if closed:
                    log.info("notices closed", extra={"count": len(closed), "notice_ids": closed[:50]})
            except Exception:  # a database outage: try again at the next tick
                reraise_cancellation()
                log.exception("notice sweep failed")

    async def dispose(self) -> None:
        await stop_tasks([self.task])


async def start(ctx: ServiceContext) -> None:
    from services.oversight.consumers import NOTICE_WINDOW_KEY

    # The consumers' handler is given a session, not the settings: the window travels in the sessions' info.
    ctx.sessionmaker.configure(info={NOTICE_WINDOW_KEY: ctx.settings.notice_window})
    clock_of(ctx)
    ctx.extras["sweeper"] = Sweeper(ctx)

"""The public objection route's allowance per client address: a sliding hour, in this process (the project has no shared limiter)."""

from __future__ import annotations

import time
from collections import deque

from shared.errors import TooManyRequests

WINDOW_SECONDS = 3600.0
MAX_CLIENTS = 10_000  # beyond this many addresses, the oldest are forgotten: memory stays bounded


class Allowance:
    def __init__(self, per_hour: int) -> None:
        self.per_hour = per_hour
        self.seen: dict[str, deque[float]] = {}

    def take(self, client: str, *, now: float | None = None) -> None:
        """Count one request of ``client``; a 429 problem with ``Retry-After`` when its hour's allowance is spent."""
        if self.per_hour <= 0:
            return
        now = time.monotonic() if now is None else now
        times = self.seen.pop(client, None) or deque()
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        if len(times) >= self.per_hour:
            self.seen[client] = times
            retry = max(1, int(times[0] + WINDOW_SECONDS - now) + 1)
            raise TooManyRequests(
                "提交过于频繁，请稍后再试",
                detail_en=f"at most {self.per_hour} objections an hour from one address",
                headers={"Retry-After": str(retry)},
                retry_after_seconds=retry,
            )
        times.append(now)
        self.seen[client] = times  # re-inserted last: the dict's order is least recently used first
        while len(self.seen) > MAX_CLIENTS:
            self.seen.pop(next(iter(self.seen)))

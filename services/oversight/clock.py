"""The time notices close by. Production reads the wall clock; a test moves it forward instead of waiting a week."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shared.db import utcnow


class Clock:
    """``now()`` is the wall clock plus an offset that only ``advance`` changes (tests, demonstrations)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return utcnow() + self.offset

    def today(self) -> date:
        return self.now().date()

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        self.offset += delta

    def reset(self) -> None:
        """Back to the wall clock: a test starts at the time the other services stamp their facts with."""
        self.offset = timedelta(0)

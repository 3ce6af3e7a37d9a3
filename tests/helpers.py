"""Test helpers shared by every service's tests: tokens, unique codes and identity numbers, waiting."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from shared.auth import mint_token
from shared.pii import make_citizen_id
from shared.settings import FupinSettings

T = TypeVar("T")

_village_counter = itertools.count(1)
_person_counter = itertools.count(1)
_number_counter = itertools.count(1)

DEFAULT_COUNTY = "440232"  # 乳源瑶族自治县


def village_code(county: str = DEFAULT_COUNTY) -> str:
    """A fresh, valid 12-digit village code inside ``county``."""
    n = next(_village_counter)
    return f"{county}{100 + n // 900:03d}{100 + n % 900:03d}"


def citizen_id(county: str = DEFAULT_COUNTY, birth: date | None = None) -> str:
    """A fresh, valid identity number (GB 11643 check character)."""
    n = next(_person_counter)
    birth = birth or (date(1960, 1, 1) + timedelta(days=37 * n % 20000))
    return make_citizen_id(county, birth, n)


def unique_number(prefix: str = "H") -> str:
    return f"{prefix}{next(_number_counter):08d}"


def bearer(settings: FupinSettings, role: str, scope: str | None = None, subject: str | None = None, **kw: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(settings, role=role, scope=scope, subject=subject, **kw)}"}


async def eventually(check: Callable[[], Awaitable[T]], *, timeout: float = 30.0, interval: float = 0.05) -> T:
    """Retry ``check`` until it stops raising AssertionError; the log is asynchronous by design.

    The timeout bounds the wait only; no test asserts on how long anything took.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            return await check()
        except AssertionError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(interval)

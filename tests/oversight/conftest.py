"""A platform of the oversight tests' own, in both modes, with the village notice's gate on (a 7-day window).

The shared ``platform`` runs with the window at 0 (tests/conftest.py), so the funds and ledger tests see a
distribution paid at approval; here a distribution waits for its notice, and the tests move the oversight
service's clock (``services/oversight/clock.py``) instead of waiting a week. Its sweeper runs every 0.3 s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio

from tests.conftest import MODES, Platform, running_platform

WINDOW = timedelta(days=7)


@pytest_asyncio.fixture(scope="session", loop_scope="session", params=MODES)
async def gated_platform(request, tmp_path_factory) -> AsyncIterator[Platform]:
    mode = request.param
    tmp = tmp_path_factory.mktemp(f"gated-{mode}")
    async with running_platform(mode, tmp, notice_window=WINDOW, notice_sweep_seconds=0.3, public_objections_per_hour=0) as running:
        yield running


@pytest.fixture
def gated(gated_platform: Platform) -> Platform:
    """The gated platform, its oversight clock back at the wall clock: funds stamps an approval with it, and a notice's window runs from there."""
    from services.oversight.sweeper import clock_of

    clock_of(gated_platform.context("oversight")).reset()
    return gated_platform

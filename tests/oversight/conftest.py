"""A platform of the oversight tests' own, in both modes, with the village notice's gate on (a 7-day window).

The shared ``platform`` runs with the window at 0 (tests/conftest.py), so the funds and ledger tests see a
distribution paid at approval; here a distribution waits for its notice, and the tests move the oversight
service's clock (``services/oversight/clock.py``) instead of waiting a week. Its sweeper runs every 0.3 s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio

from tests.conftest import MODES, Platform, drop_databases, make_settings

WINDOW = timedelta(days=7)


@pytest_asyncio.fixture(scope="session", loop_scope="session", params=MODES)
async def gated_platform(request, tmp_path_factory) -> AsyncIterator[Platform]:
    from fupin.embedded import create_app

    mode = request.param
    settings, run_id = await make_settings(
        mode, tmp_path_factory.mktemp(f"gated-{mode}"), notice_window=WINDOW, notice_sweep_seconds=0.3, public_objections_per_hour=0
    )
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://fupin.test", timeout=60) as client:
                yield Platform(mode, settings, app, client)
    finally:
        if mode == "distributed":
            await drop_databases(run_id)


@pytest.fixture
def gated(gated_platform: Platform) -> Platform:
    """The gated platform, its oversight clock back at the wall clock: funds stamps an approval with it, and a notice's window runs from there."""
    from services.oversight.sweeper import clock_of

    clock_of(gated_platform.context("oversight")).reset()
    return gated_platform

"""A service's start-up heap is frozen out of the cyclic collector, so a full collection walks only what requests made."""

import gc

import httpx

from services.households.app import SPEC
from shared.service import build_app
from shared.settings import FupinSettings


async def test_startup_heap_is_frozen_while_serving_and_unfrozen_at_shutdown(tmp_path):
    gc.unfreeze()
    settings = FupinSettings(env="test", data_dir=tmp_path, run_consumers=False)
    app = build_app([SPEC], settings)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        # The app's routes, models and OpenAPI are among the frozen: far more than the interpreter's own.
        assert gc.get_freeze_count() > 50_000
        frozen = gc.get_freeze_count()
        assert (await c.get("/openapi.json")).status_code == 200
        # What a request makes stays the collector's: serving freezes nothing more.
        assert gc.get_freeze_count() <= frozen
    assert gc.get_freeze_count() == 0

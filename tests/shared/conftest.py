"""Fixtures of the platform-wide tests: the embedded app (not started) and its OpenAPI document."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.settings import FupinSettings


def _create_app(settings: FupinSettings) -> Any:
    try:  # the embedded app's factory, wherever main keeps it
        from fupin.embedded import create_app  # type: ignore[import-not-found]
    except ImportError:
        from services.embedded import create_app
    return create_app(settings)


@pytest.fixture(scope="session")
def app() -> Iterator[Any]:
    with tempfile.TemporaryDirectory() as tmp:
        yield _create_app(FupinSettings(env="test", data_dir=Path(tmp), run_consumers=False))


@pytest.fixture(scope="session")
def spec(app: Any) -> dict[str, Any]:
    return json.loads(json.dumps(app.openapi()))

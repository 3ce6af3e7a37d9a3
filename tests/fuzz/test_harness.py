"""The fuzz harness itself: a server error and a body outside its schema are caught, not passed over."""

from __future__ import annotations

import asyncio
from typing import Annotated

import pytest
from fastapi import FastAPI, Query
from pydantic import BaseModel

from shared.problems import install_problem_handlers

pytest.importorskip("schemathesis")

from tests.fuzz.test_schemathesis import run_role, served  # noqa: E402


class Count(BaseModel):
    n: int


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/boom")
    async def boom(n: Annotated[int, Query(ge=0, le=10)] = 1) -> Count:
        return Count(n=10 // (n - n))  # any valid n divides by zero: a 500

    @app.get("/liar")
    async def liar() -> Count:
        from fastapi.responses import JSONResponse

        return JSONResponse({"n": "not a number"})  # type: ignore[return-value]

    return app


async def test_a_server_error_and_a_schema_break_are_findings():
    run = await asyncio.to_thread(run_role, served(_app()), "city_admin", "Bearer unused", 60)
    checks = {(f.check, f.operation) for f in run.findings}
    assert run.statuses[500] >= 1 and not run.errors, run
    assert ("not_a_server_error", "GET /boom") in checks, checks
    assert ("response_schema_conformance", "GET /liar") in checks, checks

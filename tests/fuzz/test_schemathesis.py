"""Schemathesis against the embedded platform, as a city admin, a county officer and a village cadre.

Issue #11, item 8: no input may produce a 5xx, and no response may break its documented schema.
Schemathesis's engine runs every phase the CLI runs (examples, coverage, fuzzing, stateful) with
every check, over the embedded app's own OpenAPI, in process (ASGI, no network). The run is bounded
(``FUPIN_FUZZ_EXAMPLES`` examples per operation and phase, a ``FUPIN_FUZZ_SECONDS`` wall-clock cap
for the whole run), seeded and derandomized, so CI repeats it. See ``docs/testing.md``.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.problems import PROBLEM_SCHEMA
from tests.conftest import Platform, make_settings
from tests.funds.support import credit_code
from tests.fuzz.conftest import REPORTS
from tests.helpers import citizen_id, eventually, unique_number

schemathesis = pytest.importorskip("schemathesis")

from schemathesis.engine import events, from_schema  # noqa: E402
from schemathesis.python import asgi as st_asgi  # noqa: E402

SEED = 20180303
MAX_EXAMPLES = int(os.environ.get("FUPIN_FUZZ_EXAMPLES", "3"))
STATEFUL_STEPS = int(os.environ.get("FUPIN_FUZZ_STATEFUL_STEPS", "6"))
DEADLINE_SECONDS = int(os.environ.get("FUPIN_FUZZ_SECONDS", "360"))

COUNTY = "440232"  # 乳源瑶族自治县
VILLAGE = "440232100201"  # 必背村: the village the OpenAPI examples name, so they are in the cadre's scope
ALL_ROLES: tuple[tuple[str, str | None], ...] = (("city_admin", None), ("county_officer", COUNTY), ("village_cadre", VILLAGE))
# FUPIN_FUZZ_ROLES=city_admin,... narrows a local run; the suite always runs all three.
ROLES = tuple(r for r in ALL_ROLES if r[0] in os.environ.get("FUPIN_FUZZ_ROLES", ",".join(n for n, _ in ALL_ROLES)).split(","))

# Checks: every one schemathesis has (`--checks all`), except those below, each with its reason.
CHECKS: dict[str, Any] = {
    "enabled": True,
    # The OpenAPI documents only 2xx and 422 today; 400/401/403/404/409/413/428 are real, deliberate
    # answers that issue #13 ("an OpenAPI that tells the truth") declares. Until then every 404 for a
    # random id would be a "finding". The custom `problem_details` check below still holds every
    # 4xx body to the RFC 9457 shape.
    "status_code_conformance": {"enabled": True},
    # A money write without its Idempotency-Key is a 428 problem by design (issue #11 item 7,
    # shared.service.IdempotencyKeyRequired); schemathesis's default list stops at 422.
    "missing_required_header": {"expected-statuses": ["400", "401", "403", "406", "415", "422", "428"]},
}


# Reported, but not failing the run: schemathesis calls a request "schema-valid" when its shape
# matches, yet the API answers 422 by design for what no JSON Schema can say (an id that does not
# exist, a rule R1–R22, vouchers that must add up, a cursor it did not issue). What is left in this
# list after the boundary work (issue #11 items 1–2) are bounds the OpenAPI does not show yet.
ADVISORY = {"positive_data_acceptance"}


@schemathesis.check
def problem_details(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 4xx/5xx answer is ``application/problem+json`` with type, title, status (the response's) and code."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(f"{response.status_code} answered as {content_type!r}, not application/problem+json")
    import jsonschema_rs

    body = json.loads(response.content)
    errors = [e.message for e in jsonschema_rs.validator_for(PROBLEM_SCHEMA).iter_errors(body)]
    if errors:
        raise AssertionError(f"problem body breaks RFC 9457 shape: {errors[:3]}")
    if body["status"] != response.status_code:
        raise AssertionError(f"problem says status {body['status']}, response is {response.status_code}")
    return True


# The phases of `st run`, in its order, in three engine runs per role, each with a share of the role's
# time: on a slow machine the cap then cuts each of them short instead of starving the last ones.
PHASE_GROUPS: tuple[tuple[tuple[str, ...], float], ...] = ((("examples", "coverage"), 0.5), (("fuzzing",), 0.25), (("stateful",), 0.25))
ALL_PHASES = ("examples", "coverage", "fuzzing", "stateful")


def config_for(authorization: str, phases: tuple[str, ...] = ALL_PHASES) -> Any:
    # No `max-time`: with one, schemathesis repeats fuzzing and stateful until the time is spent, so the
    # run would depend on the machine's speed. Bounded by examples instead, and cut by `run_role` at the cap.
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": authorization, "Accept-Language": "en"},
            # No shrinking: a failure is reported as found, so a failing run stays as bounded as a passing one.
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none", "no-shrink": True},
            "checks": CHECKS,
            "phases": {phase: {"enabled": phase in phases} for phase in ALL_PHASES}
            | {"stateful": {"enabled": "stateful" in phases, "max-steps": STATEFUL_STEPS}},
            "cache": {"enabled": False},
        }
    )


# ---- a little data, so that there are ids to walk -------------------------------------------


async def seed(platform: Platform) -> dict[str, str]:
    c, admin = platform.client, platform.admin

    async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await c.post(path, json=body, headers=admin | {"Idempotency-Key": f"seed-{unique_number('K')}"})
        assert r.status_code in (200, 201), f"{path}: {r.status_code} {r.text}"
        return r.json()

    await post("/households/v1/villages", {"code": VILLAGE, "name": "必背村", "township_name": "必背镇", "categories": ["province_poor"]})
    members = [
        {"name": "邓某", "id_number": citizen_id(COUNTY), "relation": "head", "birth_date": "1980-03-15", "sex": "male", "labour_capacity": "full"},
        {"name": "李某", "id_number": citizen_id(COUNTY), "relation": "spouse", "birth_date": "1982-06-01", "sex": "female", "labour_capacity": "full"},
    ]
    household = await post(
        "/households/v1/households",
        {"household_number": unique_number(), "village_code": VILLAGE, "registered_on": "2026-01-01", "poverty_status": "registered_poor", "members": members},
    )
    hid = household["id"]

    async def funds_knows_household() -> None:
        r = await c.get(f"/funds/v1/households/{hid}/income-lines", headers=admin)
        assert r.status_code == 200, r.text

    await eventually(funds_knows_household)
    entity = await post(
        "/funds/v1/entities",
        {"name": "必背茶叶合作社", "kind": "cooperative", "credit_code": credit_code(COUNTY), "county_code": COUNTY, "village_codes": [VILLAGE]},
    )
    fund = await post(
        "/funds/v1/funds",
        {"kind": "other_assistance", "name": "乳源产业帮扶资金", "county_code": COUNTY, "amount_fen": 100_000_000, "received_on": "2026-02-01"},
    )
    allocation = await post(
        "/funds/v1/allocations",
        {
            "fund_id": fund["id"],
            "village_code": VILLAGE,
            "purpose": "industry",
            "recipient_kind": "village_collective",
            "amount_fen": 10_000_000,
            "allocated_on": "2026-03-01",
        },
    )
    project = await post(
        "/funds/v1/projects",
        {
            "name": "茶叶基地",
            "village_code": VILLAGE,
            "industry": "tea",
            "area_tenth_mu": 805,
            "contiguous": True,
            "entity_id": entity["id"],
            "led_by": "party_member",
            "funded_by": [{"allocation_id": allocation["id"], "amount_fen": 5_000_000}],
            "agreement": {"signed_on": "2026-03-10", "term_start": "2026-04-01", "term_end": "2031-03-31", "poor_share_bp": 6000},
        },
    )
    await post(f"/funds/v1/projects/{project['id']}/shares", {"household_id": hid, "units": 2, "contribution": "funds"})
    return {"village": VILLAGE, "household": hid, "entity": entity["id"], "fund": fund["id"], "allocation": allocation["id"], "project": project["id"]}


# ---- running and reporting -------------------------------------------------------------------


@dataclass
class Finding:
    role: str
    check: str
    operation: str
    title: str
    message: str
    request: str
    status: int | None
    response: str


@dataclass
class RoleRun:
    role: str
    seconds: float = 0.0
    stop_reason: str = ""
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    per_phase: Counter[str] = field(default_factory=Counter)
    transitions: str = ""
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    capped: list[str] = field(default_factory=list)


def _describe(interaction: Any) -> tuple[str, int | None, str]:
    if interaction is None:
        return "", None, ""
    req = interaction.request
    body = req.body if isinstance(req.body, str) else (req.body.decode("utf-8", "replace") if req.body else "")
    request = f"{req.method} {req.uri} {body[:400]}".strip()
    resp = interaction.response
    if resp is None:
        return request, None, ""
    return request, resp.status_code, resp.content.decode("utf-8", "replace")[:400]


def served(app: Any) -> Any:
    """The app as a server runs it: an exception after the 500 problem went out is logged, not raised to the client.

    (Starlette re-raises it for the server's log; schemathesis's ASGI client would turn it into an engine
    error without the request. This way a 5xx is a `not_a_server_error` finding with its request.)
    """

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        try:
            await app(scope, receive, tracking_send)
        except Exception:
            if not started:
                raise

    return asgi


def run_role(app: Any, role: str, authorization: str, max_seconds: float, groups: Any = PHASE_GROUPS) -> RoleRun:
    """Every phase group for one principal; time a group does not use passes to the next ones."""
    result = RoleRun(role)
    started = time.monotonic()
    for index, (phases, share) in enumerate(groups):
        remaining = max_seconds - (time.monotonic() - started)
        later = sum(s for _, s in groups[index:])
        _run_engine(app, authorization, phases, remaining * share / later, result)
    result.seconds = time.monotonic() - started
    return result


def _run_engine(app: Any, authorization: str, phases: tuple[str, ...], max_seconds: float, result: RoleRun) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config_for(authorization, phases))
    stream = from_schema(schema).execute()
    # The wall-clock cap: a slow machine stops the run where it is (reported as `interrupted`).
    timer = threading.Timer(max(1.0, max_seconds), stream.stop)
    timer.start()
    try:
        _consume(stream, result)
    finally:
        timer.cancel()
    if result.stop_reason != "completed":
        result.capped.append("+".join(phases))


def _consume(stream: Any, result: RoleRun) -> None:
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            result.per_phase[event.phase.value] += len(recorder.cases)
            result.cases += len(recorder.cases)
            for case_id, node in recorder.cases.items():
                result.operations.add(node.value.operation.label)
                interaction = recorder.interactions.get(case_id)
                if interaction is not None and interaction.response is not None:
                    result.statuses[interaction.response.status_code] += 1
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status.value != "failure" or check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    failing_id = failure.case_id or case_id
                    node = recorder.cases.get(failing_id)
                    operation = node.value.operation.label if node else str(failure.operation)
                    request, status, response = _describe(recorder.interactions.get(failing_id))
                    result.findings.append(Finding(result.role, check.name, operation, failure.title, failure.message, request, status, response))
        elif isinstance(event, events.PhaseStarted) and event.payload is not None:
            payload = event.payload
            result.transitions = f"{payload.transitions_selected}/{payload.transitions_total} links ({payload.inferred_transitions} inferred)"
        elif isinstance(event, events.NonFatalError):
            result.errors.append(f"{event.label}: {event.info.title}: {event.info.message[:300]}")
        elif isinstance(event, events.FatalError):
            result.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            result.stop_reason = event.stop_reason.value


def summarise(runs: list[RoleRun], *, advisory: bool = True) -> str:
    """Operations × roles, cases per phase, statuses; each finding group with one request and answer.

    Without ``advisory``, the advisory groups are only counted (pytest's closing lines stay short).
    """
    lines = [f"schemathesis {schemathesis.__version__}, seed {SEED}, {MAX_EXAMPLES} examples/operation/phase, cap {DEADLINE_SECONDS}s"]
    for run in runs:
        phases = ", ".join(f"{k} {v}" for k, v in sorted(run.per_phase.items()))
        statuses = " ".join(f"{k}×{v}" for k, v in sorted(run.statuses.items()))
        lines.append(
            f"  {run.role:15} {len(run.operations):3} operations {run.cases:6} cases in {run.seconds:5.0f}s "
            f"({'STOPPED AT THE CAP in ' + ', '.join(run.capped) + ', not every case ran' if run.capped else 'completed'}); "
            f"{phases}; stateful {run.transitions or '-'}; statuses {statuses}; "
            f"findings {sum(f.check not in ADVISORY for f in run.findings)} (+{sum(f.check in ADVISORY for f in run.findings)} advisory)"
        )
    grouped: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for run in runs:
        for f in run.findings:
            grouped[(f.check, f.operation, f.title)].append(f)
    if not advisory:
        notes = [key for key in grouped if key[0] in ADVISORY]
        grouped = {key: found for key, found in grouped.items() if key[0] not in ADVISORY}
        if notes:
            lines.append(f"  advisory ({', '.join(sorted(ADVISORY))}): {len(notes)} operations; FUPIN_FUZZ_REPORT=path lists them")
    for (check, operation, title), found in sorted(grouped.items()):
        first = found[0]
        roles = ",".join(sorted({f.role for f in found}))
        lines.append(f"  {'note' if check in ADVISORY else 'FAIL'} {check} | {operation} | {title} | roles {roles} | ×{len(found)}")
        lines.append(f"       {first.message.splitlines()[0][:300] if first.message else ''}")
        lines.append(f"       > {first.request[:500]}")
        lines.append(f"       < {first.status} {first.response[:300]}")
    for run in runs:
        for error in run.errors[:20]:
            lines.append(f"  ERROR ({run.role}) {error}")
    return "\n".join(lines)


async def test_schemathesis_finds_no_server_error_and_no_schema_break(tmp_path: Path) -> None:
    from fupin.embedded import create_app

    # Consumers wake on the in-process signal when a write commits; polling seldom leaves the CPU to the run.
    settings, _ = await make_settings("embedded", tmp_path, poll_interval_seconds=1.0)
    app = create_app(settings)
    # Seed in this loop, then stop: schemathesis starts the app's lifespan again in its own loop.
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fupin.test", timeout=60) as client:
            await seed(Platform("embedded", settings, app, client))

    platform = Platform("embedded", settings, app, None)
    server = served(app)  # one wrapper for every role: its lifespan starts once
    deadline = time.monotonic() + DEADLINE_SECONDS
    runs: list[RoleRun] = []
    try:
        for index, (role, scope) in enumerate(ROLES):
            remaining = deadline - time.monotonic()
            share = max(10, int(remaining / (len(ROLES) - index)))
            authorization = platform.as_(role, scope, subject=f"fuzz-{role}")["Authorization"]
            # The engine blocks; run it off this loop so the session's other platforms keep running.
            run = await asyncio.to_thread(run_role, server, role, authorization, share)
            runs.append(run)
            print(f"\nfuzz: {role} done: {len(run.operations)} operations, {run.cases} cases, {len(run.findings)} findings, {run.seconds:.0f}s", flush=True)
    finally:
        await asyncio.to_thread(st_asgi.shutdown_lifespans)

    report = summarise(runs)
    REPORTS.append(summarise(runs, advisory=False))  # in pytest's closing lines (tests/fuzz/conftest.py)
    report_path = os.environ.get("FUPIN_FUZZ_REPORT")
    if report_path:
        Path(report_path).write_text(report + "\n", encoding="utf-8")
    server_errors = sum(n for run in runs for status, n in run.statuses.items() if status >= 500)
    assert all(run.cases for run in runs), "a role ran no case"
    assert not any(run.errors for run in runs), report
    assert server_errors == 0, f"{server_errors} server errors\n{report}"
    assert not [f for run in runs for f in run.findings if f.check not in ADVISORY], report

"""The OpenAPI document tells the truth (issue #13 item 1): a walk of every operation of the embedded app.

The expected statuses are derived from the document itself (security, path parameters, a body, the
method) and from the routes' dependencies, so a new route is held to the same rules without a list.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRITES = {"post", "put", "patch", "delete"}
PROBLEM = {"$ref": "#/components/schemas/Problem"}


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items() if method in {"get", "head", *WRITES}]


def test_every_operation_documents_each_problem_status_it_can_answer(spec):
    missing = []
    for path, method, op in operations(spec):
        expected = {"422", "503"}
        if op.get("security"):
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in op:
            expected |= {"413", "415"}
        if method in WRITES:
            expected |= {"400", "409"}
        if any(p["in"] == "header" and p["name"] == "Idempotency-Key" and p.get("required") for p in op.get("parameters", [])):
            expected.add("428")
        for status in sorted(expected):
            response = op["responses"].get(status)
            if response is None or response.get("content") != {"application/problem+json": {"schema": PROBLEM}}:
                missing.append(f"{method.upper()} {path} {status}")
                continue
            if "X-Request-ID" not in response.get("headers", {}):
                missing.append(f"{method.upper()} {path} {status}: no X-Request-ID header")
        assert "Retry-After" in op["responses"]["503"]["headers"], path
    assert not missing, missing[:20]


def test_no_operation_documents_fastapis_validation_shape(spec):
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert "HTTPValidationError" not in json.dumps(spec)
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "code", "detail", "instance", "field", "rule", "errors"} <= set(problem["properties"])


def test_money_writes_declare_a_required_idempotency_key_and_a_428(app, spec):
    from shared.openapi import _routes, needs_idempotency_key

    money = {(path, method) for path, method, route in _routes(app) if needs_idempotency_key(route)}
    assert len(money) >= 10  # wages, payments, distributions, subsidies, rent, loan returns …
    for path, method in money:
        op = spec["paths"][path][method]
        header = [p for p in op["parameters"] if p["in"] == "header" and p["name"] == "Idempotency-Key"]
        assert header and header[0]["required"] is True, path
        assert op["responses"]["428"]["content"]["application/problem+json"]["schema"] == PROBLEM


def test_success_responses_declare_their_headers(spec):
    for path, method, op in operations(spec):
        for status, response in op["responses"].items():
            if not status.startswith("2"):
                continue
            headers = response.get("headers", {})
            assert "X-Request-ID" in headers, (path, status)
            if status == "201":
                assert "Location" in headers, path
            if method in WRITES and op.get("security"):
                assert "Idempotent-Replayed" in headers, path
    for name in ("X-Request-ID", "Location", "Idempotent-Replayed", "Retry-After"):
        assert name in spec["components"]["headers"]


def test_operation_ids_are_short_unique_camel_case(spec):
    ids = [op["operationId"] for _, _, op in operations(spec)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates
    bad = [i for i in ids if not re.fullmatch(r"[a-z][A-Za-z0-9]{1,39}", i)]
    assert not bad, bad
    assert "listHouseholds" in ids and "proposeDistribution" in ids


def test_colliding_endpoint_names_are_told_apart_by_service():
    from shared.openapi import operation_ids

    class Route:
        def __init__(self, service: str, name: str) -> None:
            def endpoint() -> None: ...

            endpoint.__name__ = name
            self.service, self.endpoint = service, endpoint

    routes = [("/a/v1/x", "get", Route("ledger", "list_indicators")), ("/b/v1/x", "get", Route("market", "list_indicators")), ("/c", "get", Route("c", "only"))]
    assert operation_ids(routes) == {("/a/v1/x", "get"): "ledgerListIndicators", ("/b/v1/x", "get"): "marketListIndicators", ("/c", "get"): "only"}


def test_component_schema_names_are_unique_and_unqualified(spec):
    names = list(spec["components"]["schemas"])
    qualified = [n for n in names if "__" in n or n.startswith("Body_")]
    assert not qualified, qualified
    titles: dict[str, list[str]] = {}
    for name, schema in spec["components"]["schemas"].items():
        titles.setdefault(schema.get("title", name), []).append(name)
    # Two different schemas under one title make generators (openapi-python-client) drop one.
    assert not {t: n for t, n in titles.items() if len(n) > 1}


def test_qualified_names_are_shortened_by_their_service():
    from shared.openapi import short_schema_name

    assert short_schema_name("services__funds__schemas__EntityOut", set()) == "FundsEntityOut"
    assert short_schema_name("services__funds__entities__schemas__EntityOut", set()) == "FundsEntityOut"
    assert short_schema_name("services__funds__schemas__EntityOut", {"FundsEntityOut"}) == "ServicesFundsSchemasEntityOut"
    assert short_schema_name("HouseholdOut", set()) == "HouseholdOut"


def test_every_operation_has_a_summary_and_a_description(spec):
    for path, method, op in operations(spec):
        assert op.get("summary"), (method, path)
        assert op.get("description"), (method, path)


def test_the_document_is_valid_openapi(spec):
    from openapi_spec_validator import validate

    validate(spec)


def _examples(node: Any, where: str):
    """Every (place, index, schema, example) under ``node``: pydantic's ``examples`` lists and any ``example``."""
    if not isinstance(node, dict):
        if isinstance(node, list):
            for i, value in enumerate(node):
                yield from _examples(value, f"{where}/{i}")
        return
    if isinstance(node.get("examples"), list):
        for i, example in enumerate(node["examples"]):
            yield where, i, node, example
    if "example" in node:
        yield where, "example", node, node["example"]
    for key, value in node.items():
        if key in ("examples", "example"):
            continue
        if key == "properties" and isinstance(value, dict):
            for name, sub in value.items():
                yield from _examples(sub, f"{where}.{name}")
        else:
            yield from _examples(value, f"{where}/{key}")


def test_every_example_validates_against_its_schema(spec):
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resource("urn:fupin:openapi", Resource(contents=spec, specification=DRAFT202012))
    failures = []
    for where, index, schema, example in _examples(spec["components"]["schemas"], "#/components/schemas"):
        bare = {k: v for k, v in schema.items() if k not in ("examples", "example")}
        wrapped = json.loads(json.dumps(bare).replace('"#/components/', '"urn:fupin:openapi#/components/'))
        validator = jsonschema.Draft202012Validator(wrapped, registry=registry, format_checker=jsonschema.FormatChecker())
        errors = [e.message for e in validator.iter_errors(example)]
        if errors:
            failures.append(f"{where} [{index}]: {errors[0][:160]}")
    unknown = [f for f in failures if _schema_of(f) not in KNOWN_BAD_EXAMPLES]
    assert not unknown, "\n".join(unknown)
    # Strict: once its owner fixes one, it leaves the list.
    assert {_schema_of(f) for f in failures} == set(KNOWN_BAD_EXAMPLES)


def _schema_of(failure: str) -> str:
    return failure.split(" ", 1)[0].split("/")[3].split(".")[0]


# Examples wrong in the model that defines them, for their owners to fix (issue #13): none left.
KNOWN_BAD_EXAMPLES: dict[str, str] = {}


def test_an_example_inherited_without_a_required_field_is_dropped_and_nulls_are_filled():
    from shared.openapi import complete_examples, drop_incomplete_examples

    schemas = {
        "Out": {
            "properties": {"id": {"type": "string"}, "gone": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
            "required": ["id", "gone"],
            "examples": [{"id": "1"}],
        },
        "Created": {
            "properties": {"id": {"type": "string"}, "secret": {"type": "string"}},
            "required": ["id", "secret"],
            "examples": [{"id": "1"}, {"id": "2", "secret": "s"}],
        },
        "Bare": {"properties": {"id": {"type": "string"}}, "required": ["id"], "examples": [{}]},
    }
    assert complete_examples(schemas) == ["Out"] and schemas["Out"]["examples"] == [{"id": "1", "gone": None}]
    assert drop_incomplete_examples(schemas) == ["Created", "Bare"]
    assert schemas["Created"]["examples"] == [{"id": "2", "secret": "s"}] and "examples" not in schemas["Bare"]


def _console_deps() -> Path:
    console = ROOT / "console"
    if shutil.which("node") is None:
        pytest.fail("Node.js is needed for the console's tools (openapi-typescript, Redocly)")
    if not (console / "node_modules" / ".bin" / "redocly").exists() or not (console / "node_modules" / ".bin" / "openapi-typescript").exists():
        subprocess.run(["bash", str(ROOT / "deploy" / "console.sh"), "deps"], check=True, timeout=900)
    return console


def test_redocly_lint_reports_no_errors_and_no_invalid_examples(spec):
    """Redocly CLI (pinned in console/package.json) with its recommended rules, invalid examples as errors (console/redocly.yaml)."""
    console = _console_deps()
    with tempfile.TemporaryDirectory() as tmp:
        document = Path(tmp) / "openapi.json"
        document.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        r = subprocess.run(
            ["npx", "--no-install", "redocly", "lint", str(document), "--config", str(console / "redocly.yaml"), "--format=json"],
            cwd=console,
            capture_output=True,
            text=True,
            timeout=300,
        )
    report = json.loads(r.stdout[r.stdout.index("{") :])
    errors = [f"{p['ruleId']}: {p['message']} at {p['location'][0]['pointer']}" for p in report["problems"] if p["severity"] == "error"]
    assert report["totals"]["errors"] == 0 and not errors, "\n".join(errors[:20])
    assert not [p for p in report["problems"] if "example" in p["ruleId"]], "an example fails its schema"


def test_typescript_client_generated_by_openapi_typescript_reads_problem_code_without_casts(spec):
    console = _console_deps()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "openapi.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        gen = subprocess.run(
            ["npx", "--no-install", "openapi-typescript", str(out / "openapi.json"), "-o", str(out / "schema.d.ts")],
            cwd=console,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert gen.returncode == 0, gen.stdout + gen.stderr
        (out / "consumer.ts").write_text(CONSUMER, encoding="utf-8")
        tsc = subprocess.run(
            [
                "npx",
                "--no-install",
                "tsc",
                "--strict",
                "--noEmit",
                "--target",
                "es2022",
                "--module",
                "esnext",
                "--moduleResolution",
                "bundler",
                "--skipLibCheck",
                str(out / "consumer.ts"),
            ],
            cwd=console,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert tsc.returncode == 0, tsc.stdout + tsc.stderr


# A consumer a front-end developer would write: errors typed per operation and status, no `as`.
CONSUMER = """
import type { components, operations, paths } from "./schema";

type Problem = components["schemas"]["Problem"];
type GetHouseholdNotFound = paths["/households/v1/households/{household_id}"]["get"]["responses"][404]["content"]["application/problem+json"];
type ProposeInvalid = operations["proposeDistribution"]["responses"][422]["content"]["application/problem+json"];
type Unavailable = operations["listHouseholds"]["responses"][503];

export function describe(problem: GetHouseholdNotFound | ProposeInvalid): string {
  const code: string = problem.code;
  const rule: string | undefined = problem.rule;
  const fields: string[] = (problem.errors ?? []).map((e) => JSON.stringify(e));
  return `${problem.status} ${code} ${rule ?? ""} ${problem.field ?? ""} ${fields.join(",")}`;
}

export function retryAfter(r: Unavailable): string | undefined {
  const p: Problem = r.content["application/problem+json"];
  return p.detail;
}

export const example: Problem = { type: "urn:fupin:problem:not_found", title: "未找到", status: 404, code: "not_found" };
"""


def test_the_consoles_client_types_are_generated_from_the_current_openapi(spec):
    """``console/src/api/schema.d.ts`` is openapi-typescript's output for today's document: an API change regenerates it."""
    console = _console_deps()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        (out / "openapi.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        gen = subprocess.run(
            ["npx", "--no-install", "openapi-typescript", str(out / "openapi.json"), "-o", str(out / "schema.d.ts")],
            cwd=console,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert gen.returncode == 0, gen.stdout + gen.stderr
        fresh = (out / "schema.d.ts").read_text(encoding="utf-8")
    checked_in = (console / "src" / "api" / "schema.d.ts").read_text(encoding="utf-8")
    if fresh != checked_in:
        changed = [line for line in difflib.unified_diff(checked_in.splitlines(), fresh.splitlines(), "checked in", "generated", n=0, lineterm="")]
        pytest.fail(
            "console/src/api/schema.d.ts is stale (the API changed since it was generated): run `bash console/scripts/gen-client.sh`, "
            "then `cd console && npx vue-tsc --noEmit`, and commit it. First differences:\n" + "\n".join(changed[:30])
        )

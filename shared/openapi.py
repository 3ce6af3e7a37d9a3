"""The OpenAPI document as the server really answers, derived from each route (never written per route).

``describe(app, openapi)`` rewrites FastAPI's document in place:

- every operation lists, as ``application/problem+json`` (the ``Problem`` component), each error
  status it can answer: 401/403 when it needs a principal, 404 with path parameters and on writes, 413/415 with a
  body, 409 and 400 on writes, 428 for money writes (``IdempotencyKeyRequired``), 412 and 428 for
  updates under ``If-Match`` (``shared.preconditions``), 422 and 503 always;
- response headers are declared: ``X-Request-ID`` everywhere, ``Location`` on 201,
  ``Idempotent-Replayed`` on writes, ``Retry-After`` on 503; the ``Idempotency-Key`` request header
  on every authenticated write (required on money writes);
- operationIds are the endpoint's name in camelCase (``listHouseholds``), prefixed with the
  service's name only where two services share a name (``ledgerListIndicators``);
- component names are unique and short (FastAPI's ``services__funds__schemas__EntityOut`` becomes
  ``FundsEntityOut``; a form body ``Body_import_households_…`` becomes ``ImportHouseholdsBody``);
- every operation has a summary (the route's, else its docstring's first line, else its name);
- output examples carry their ``null`` fields (FastAPI drops ``None`` from the document: ``complete_examples``
  puts them back), and an example a subclass inherited without one of its required fields is dropped.
"""

from __future__ import annotations

import inspect
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from shared.problems import PROBLEM_JSON, PROBLEM_SCHEMA

WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

# What each error status means on this platform, as a client developer needs to know it.
STATUS_DESCRIPTIONS: dict[int, str] = {
    400: "Bad request: a header or body the server cannot read (e.g. an `Idempotency-Key` over 200 characters)",
    401: "No valid bearer token (`code`: `token_missing`, `token_expired`, `token_invalid`)",
    403: "The caller's role or region scope does not allow this (`code`: `role_not_allowed`, `out_of_scope`, `separation_of_duties`)",
    404: "No such resource, or one outside the caller's region scope (its existence is not revealed)",
    409: "Conflicts with existing data, or an `Idempotency-Key` reused with a different body (`idempotency_key_reused`)",
    413: "Request body larger than the route accepts (1 MiB unless the route says otherwise)",
    415: "The request body's `Content-Type` is not one the operation reads",
    412: "The `If-Match` names a version of the resource that is no longer current (`precondition_failed`): read it again and resubmit",
    422: "Invalid input: a problem naming the `field` (and, for a policy rule, the `rule`); `errors` lists every one",
    428: "A money write without an `Idempotency-Key` header (`idempotency_key_required`), or an update without `If-Match` (`if_match_required`)",
    503: "A database this request needs cannot be reached now, or the process is at its bound of requests in progress "
    "(`code: overloaded`); retry after `Retry-After` seconds",
}

HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "The request's id (the caller's `X-Request-ID` when it sent one); quote it when reporting a problem",
        "schema": {"type": "string", "maxLength": 100},
    },
    "Location": {"description": "Path of the resource created", "schema": {"type": "string"}},
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "ETag": {
        "description": "Strong validator of the body; send it back as `If-None-Match` to get a 304 when nothing changed, "
        "or as `If-Match` on an update of the resource (an update answers the new representation's tag)",
        "schema": {"type": "string"},
    },
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 0}},
}


def _header_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


# ---- what a route needs, read from its dependencies ------------------------------------------------


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    stack = [dependant]
    while stack:
        node = stack.pop()
        if node.call is not None:
            yield node.call
        stack.extend(node.dependencies)


def needs_principal(route: Any) -> bool:
    from shared.auth import authenticate

    return any(call is authenticate for call in _calls(route.dependant))


def needs_idempotency_key(route: Any) -> bool:
    from shared.routing import IdempotencyKeyRequired

    return any(call is IdempotencyKeyRequired.dependency for call in _calls(route.dependant))


def if_match(route: Any) -> str | None:
    """``"required"`` for an update that needs ``If-Match`` (428 without), ``"optional"`` for one that checks it when sent, else None."""
    from shared.preconditions import _optional, _required

    calls = set(_calls(route.dependant))
    return "required" if _required in calls else "optional" if _optional in calls else None


def service_of(route: Any) -> str:
    service = getattr(getattr(route, "original_route", route), "service", "") or route.path_format.strip("/").split("/", 1)[0]
    return service or "platform"


# ---- names ------------------------------------------------------------------------------------------


def camel(name: str) -> str:
    head, *rest = [part for part in re.split(r"[^0-9A-Za-z]+", name) if part]
    return head[:1].lower() + head[1:] + "".join(part[:1].upper() + part[1:] for part in rest)


def pascal(name: str) -> str:
    text = camel(name)
    return text[:1].upper() + text[1:]


def operation_ids(routes: list[tuple[str, str, Any]]) -> dict[tuple[str, str], str]:
    """``(path, method) -> operationId``: the endpoint's name, with its service's name where names collide."""
    by_name: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
    for path, method, route in routes:
        by_name[camel(route.endpoint.__name__)].append((path, method, route))
    ids: dict[tuple[str, str], str] = {}
    for name, group in by_name.items():
        if len(group) == 1:
            path, method, _ = group[0]
            ids[(path, method)] = name
            continue
        prefixed: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for path, method, route in sorted(group, key=lambda g: (g[0], g[1])):
            prefixed[service_of(route) + name[:1].upper() + name[1:]].append((path, method))
        for candidate, keys in prefixed.items():
            # Still shared (one service, one name twice): number them in path order, deterministic.
            for index, key in enumerate(keys):
                ids[key] = candidate if len(keys) == 1 else f"{candidate}{index + 1}"
    return ids


_QUALIFIED = re.compile(r"^[A-Za-z_]\w*?__\w+__\w+$")


def short_schema_name(name: str, taken: set[str]) -> str:
    """``services__funds__schemas__EntityOut`` -> ``FundsEntityOut`` (FastAPI qualifies names only when two collide)."""
    if not _QUALIFIED.match(name):
        return name
    parts = name.split("__")
    owner = parts[1] if parts[0] in ("services", "shared") and len(parts) > 2 else parts[0]
    candidate = pascal(owner) + parts[-1]
    if candidate in taken:
        candidate = "".join(pascal(p) for p in parts[:-1]) + parts[-1]
    return candidate


def rename_schemas(openapi: dict[str, Any], renames: dict[str, str]) -> None:
    if not renames:
        return
    schemas = openapi["components"]["schemas"]
    for old, new in renames.items():
        schema = schemas.pop(old)
        if schema.get("title") in (old, old.split("__")[-1]):
            schema["title"] = new
        schemas[new] = schema
    prefix = "#/components/schemas/"

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix) and ref[len(prefix) :] in renames:
                node["$ref"] = prefix + renames[ref[len(prefix) :]]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(openapi)


# ---- the document -----------------------------------------------------------------------------------


def api_routes(app: FastAPI) -> list[Any]:
    """Every API operation's route as served (its router's prefix and dependencies included)."""
    return [ctx for ctx in iter_route_contexts(app.routes) if isinstance(ctx.original_route, APIRoute)]


def _routes(app: FastAPI) -> list[tuple[str, str, Any]]:
    out = []
    for route in api_routes(app):
        if route.include_in_schema:
            for method in sorted(route.methods or ()):
                out.append((route.path_format, method.lower(), route))
    return out


def _summary(route: Any) -> str:
    if route.summary:
        return str(route.summary)
    doc = inspect.getdoc(route.endpoint)
    if doc:
        return doc.strip().splitlines()[0].rstrip(".")
    return str(route.endpoint.__name__).replace("_", " ").capitalize()


def allowed_roles(route: Any) -> list[str] | None:
    """The roles a ``require_roles``/``readable_by`` dependency admits, or None when any signed-in role may call."""
    for call in _calls(route.dependant):
        if getattr(call, "__qualname__", "").startswith(("require_roles.", "readable_by.")) and call.__closure__:
            cells = dict(zip(call.__code__.co_freevars, (cell.cell_contents for cell in call.__closure__), strict=True))
            allowed = cells.get("allowed")
            if isinstance(allowed, frozenset):
                return sorted(str(role) for role in allowed)
    return None


def _description(method: str, route: Any, operation: dict[str, Any]) -> str:
    """The route's docstring, then what a client must know of it: who may call it, its headers, its paging."""
    facts: list[str] = []
    if needs_principal(route):
        roles = allowed_roles(route)
        if roles is None:
            facts.append("Any signed-in role may call it; what it shows is limited to the caller's region (or entity) scope.")
        else:
            facts.append(f"Roles: {', '.join(f'`{r}`' for r in roles)}" + (" (auditors never write)." if method in WRITE_METHODS else "."))
    else:
        facts.append("No bearer token needed.")
    if needs_idempotency_key(route):
        facts.append("Creates a money fact: send an `Idempotency-Key` (428 without); a retry with the same key answers the first response.")
    elif method in WRITE_METHODS and needs_principal(route):
        facts.append("Accepts an `Idempotency-Key`: a retry with the same key answers the first response and writes nothing.")
    precondition = if_match(route)
    if precondition == "required":
        facts.append("Send the resource's `ETag` as `If-Match` (428 without; 412 when it changed since).")
    elif precondition == "optional":
        facts.append("With `If-Match` (the resource's `ETag`), refused with 412 when it changed since.")
    if any(p.get("name") == "cursor" and p.get("in") == "query" for p in operation.get("parameters", [])):
        facts.append("Paged: `limit` items per page; pass `next_cursor` back as `cursor` until it is null.")
    doc = inspect.getdoc(route.endpoint) or ""
    own = (route.description or "").strip() if route.description != doc else ""
    parts = [part for part in (own, doc.strip(), " ".join(facts)) if part]
    return "\n\n".join(parts)


def _problem(status: int, existing: dict[str, Any] | None) -> dict[str, Any]:
    description = STATUS_DESCRIPTIONS.get(status, "A problem")
    if existing and existing.get("description") and not existing["description"].startswith(("Invalid input:", "no `Idempotency-Key`")):
        framework = {"Unauthorized", "Forbidden", "Conflict", "Request Entity Too Large", "Not Found"}
        if existing["description"] not in framework:
            description = existing["description"]  # the route's own words (e.g. what makes an import too large)
    headers: dict[str, Any] = {"X-Request-ID": _header_ref("X-Request-ID")}
    if status == 503:
        headers["Retry-After"] = _header_ref("Retry-After")
    if status == 401:
        headers["WWW-Authenticate"] = {"description": 'Bearer realm="fupin"', "schema": {"type": "string"}}
    return {"description": description, "headers": headers, "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}


def error_statuses(method: str, route: Any, operation: dict[str, Any]) -> set[int]:
    statuses = {422, 503}
    write = method in WRITE_METHODS
    if needs_principal(route):
        statuses |= {401, 403}
    if route.dependant.path_params or write:
        # A write may name ids in its body (a project, a household, an order) that do not exist or
        # lie outside the caller's scope: refused as 404, as if they did not exist.
        statuses.add(404)
    if "requestBody" in operation:
        statuses |= {413, 415}
    if write:
        statuses |= {400, 409}
    if needs_idempotency_key(route):
        statuses.add(428)
    precondition = if_match(route)
    if precondition:
        statuses.add(412)
    if precondition == "required":
        statuses.add(428)
    # A status the route declares itself (e.g. a 404 for a role that does not see the whole city) is a problem too.
    statuses |= {int(code) for code in operation.get("responses", {}) if code[:1] in ("4", "5") and code.isdigit()}
    return statuses


def _declare_idempotency_key(operation: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    if any(p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key" for p in parameters):
        return
    parameters.append(
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "optional: a retry with the same key answers the first response (`Idempotent-Replayed: true`) and writes nothing",
            "schema": {"type": "string", "maxLength": 200},
        }
    )


def _admits_null(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    return kinds == "null" or (isinstance(kinds, list) and "null" in kinds) or any(_admits_null(s) for s in schema.get("anyOf", []))


def _fill_nulls(value: Any, schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> bool:
    """Add the ``null`` fields an example leaves out, down through nested objects and lists; whether any was added."""
    if depth > 20:
        return False
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = schemas.get(ref.rsplit("/", 1)[-1], {})
    added = False
    for branch in schema.get("anyOf", ()):
        if isinstance(value, dict) and ("$ref" in branch or branch.get("type") == "object"):
            added |= _fill_nulls(value, branch, schemas, depth + 1)
        if isinstance(value, list) and branch.get("type") == "array":
            added |= _fill_nulls(value, branch, schemas, depth + 1)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for prop in schema.get("required", ()):
            if prop not in value and _admits_null(properties.get(prop, {})):
                value[prop] = None
                added = True
        for prop, sub in properties.items():
            if prop in value and value[prop] is not None:
                added |= _fill_nulls(value[prop], sub, schemas, depth + 1)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            added |= _fill_nulls(item, schema["items"], schemas, depth + 1)
    return added


def complete_examples(schemas: dict[str, Any]) -> list[str]:
    """An output model's example omits the fields that are null in it; the server sends them as ``null``: say so.

    Returns the names of the schemas whose examples were completed (their models should say it themselves).
    """
    completed = []
    for name, schema in schemas.items():
        for example in schema.get("examples") or ():
            if _fill_nulls(example, schema, schemas) and name not in completed:
                completed.append(name)
    return completed


def drop_incomplete_examples(schemas: dict[str, Any]) -> list[str]:
    """Drop the examples that lack a required, non-null property of their schema; the names of the schemas concerned.

    Pydantic hands a model's ``json_schema_extra`` examples down to its subclasses, so a subclass that
    adds a required field (``SecretCreated`` adds ``secret`` to ``SecretOut``) would show its parent's
    example as its own, one that fails its schema. No example is better than a wrong one; a model that
    wants one declares its own.
    """
    dropped = []
    for name, schema in schemas.items():
        examples = schema.get("examples")
        if not examples:
            continue
        properties = schema.get("properties", {})
        required = [p for p in schema.get("required", ()) if not _admits_null(properties.get(p, {}))]
        kept = [e for e in examples if not isinstance(e, dict) or all(p in e for p in required)]
        if len(kept) != len(examples):
            dropped.append(name)
            if kept:
                schema["examples"] = kept
            else:
                schema.pop("examples")
    return dropped


def describe(app: FastAPI, openapi: dict[str, Any]) -> dict[str, Any]:
    # Paths are absolute from the server's root (each service under its prefix): the document's own server.
    openapi.setdefault("servers", [{"url": "/", "description": "the server that serves this document"}])
    components = openapi.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    components.setdefault("headers", {}).update(HEADERS)

    routes = _routes(app)
    ids = operation_ids(routes)
    renames: dict[str, str] = {}
    taken = set(schemas)
    for name in sorted(schemas):
        short = short_schema_name(name, taken)
        if short != name:
            renames[name] = short
            taken.add(short)

    for path, method, route in routes:
        operation = openapi["paths"][path][method]
        operation["operationId"] = ids[(path, method)]
        operation["summary"] = _summary(route)
        operation["description"] = _description(method, route, operation)
        if not needs_principal(route):
            operation["security"] = []  # public (labels, probes, the development token): no bearer token
        body_ref = operation.get("requestBody", {}).get("content", {})
        for media in body_ref.values():
            ref = media.get("schema", {}).get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            if name.startswith("Body_") and name not in renames:
                renames[name] = pascal(operation["operationId"]) + "Body"
        responses = operation.setdefault("responses", {})
        for status in sorted(error_statuses(method, route, operation)):
            responses[str(status)] = _problem(status, responses.get(str(status)))
        write = method in WRITE_METHODS
        for status, response in responses.items():
            if not status.startswith(("2", "3")):
                continue
            headers = response.setdefault("headers", {})
            headers["X-Request-ID"] = _header_ref("X-Request-ID")
            if status == "201":
                headers["Location"] = _header_ref("Location")
            if write and needs_principal(route):
                headers["Idempotent-Replayed"] = _header_ref("Idempotent-Replayed")
            if (method == "get" or if_match(route)) and status == "200" and "application/json" in response.get("content", {}):
                headers["ETag"] = _header_ref("ETag")  # shared.http.ETagMiddleware
        if method == "get" and "application/json" in responses.get("200", {}).get("content", {}):
            responses.setdefault(
                "304",
                {
                    "description": "Not modified: the representation the caller holds (its `If-None-Match`) is current",
                    "headers": {"ETag": _header_ref("ETag"), "X-Request-ID": _header_ref("X-Request-ID")},
                },
            )
        if write and needs_principal(route):
            _declare_idempotency_key(operation)
        openapi["paths"][path][method] = dict(sorted(operation.items(), key=lambda kv: _KEY_ORDER.get(kv[0], 99)))
        responses_sorted = dict(sorted(responses.items()))
        openapi["paths"][path][method]["responses"] = responses_sorted
    rename_schemas(openapi, renames)
    complete_examples(schemas)
    drop_incomplete_examples(schemas)
    return openapi


_KEY_ORDER = {k: i for i, k in enumerate(("tags", "summary", "description", "operationId", "security", "parameters", "requestBody", "responses"))}


def install_openapi(app: FastAPI) -> None:
    """Wrap ``app.openapi`` so the document is described once, when first asked for."""
    previous = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            describe(app, previous())
        schema: dict[str, Any] = app.openapi_schema  # type: ignore[assignment]  # set by the call above
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise the document

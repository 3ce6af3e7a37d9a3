"""The shared HTTP boundary every route inherits: unknown query parameters, body-size limits, out-of-range integers."""

from __future__ import annotations

import pytest

from tests.helpers import village_code

# One real list route of each service, with a misspelt filter that used to be ignored (everything came back).
MISSPELT_FILTERS = [
    ("/households/v1/households", "vilage_code", "440232101101"),
    ("/funds/v1/funds", "county_cod", "440232"),
    ("/market/v1/orders", "partnr", "acme"),
    ("/training/v1/courses", "categry", "skills"),
    ("/ledger/v1/households/some-household/income/entries", "yaer", "2026"),
]


@pytest.mark.parametrize(("path", "param", "value"), MISSPELT_FILTERS)
async def test_unknown_query_parameter_is_a_422_naming_it(platform, path, param, value):
    r = await platform.client.get(path, params={param: value}, headers=platform.admin)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "unknown_query_parameter" and body["field"] == param


async def test_declared_query_parameters_and_paging_parameters_are_still_accepted(platform):
    code = village_code()
    r = await platform.client.get("/households/v1/households", params={"village": code, "limit": 5, "include_left": "true"}, headers=platform.admin)
    assert r.status_code == 200, r.text


async def test_unknown_query_parameter_on_a_write_is_refused_and_writes_nothing(platform):
    code = village_code()
    r = await platform.client.post("/households/v1/villages", params={"dryrun": "1"}, json={"code": code, "name": "拼错村"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "dryrun"
    assert (await platform.client.get(f"/households/v1/villages/{code}", headers=platform.admin)).status_code == 404


# ---- body size ---------------------------------------------------------------------------------

MIB = 1024 * 1024


async def _village_count(platform) -> int:
    from sqlalchemy import func, select

    ctx = platform.context("households")
    table = ctx.spec.metadata.tables["village"]
    async with ctx.sessionmaker() as s:
        return int((await s.execute(select(func.count()).select_from(table))).scalar_one())


def _counting(body: bytes, pulled: list[int], chunk: int = 64 * 1024):
    async def chunks():
        for start in range(0, len(body), chunk):
            pulled.append(start)
            yield body[start : start + chunk]

    return chunks()


def _big_village_body(size: int) -> bytes:
    return ('{"code":"' + village_code() + '","name":"大村","township_name":"').encode() + b"x" * size + b'"}'


async def test_body_over_1_mib_declared_by_content_length_is_a_413_problem_before_reading(platform):
    body = _big_village_body(2 * MIB)
    pulled: list[int] = []
    before = await _village_count(platform)
    headers = {**platform.admin, "Content-Type": "application/json", "Content-Length": str(len(body))}
    r = await platform.client.post("/households/v1/villages", content=_counting(body, pulled), headers=headers)
    assert r.status_code == 413, r.text[:300]
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["code"] == "payload_too_large" and problem["limit_bytes"] == MIB and problem["status"] == 413
    assert "x-request-id" in r.headers
    assert pulled == []  # not one chunk of the body was read
    assert await _village_count(platform) == before


async def test_chunked_body_over_1_mib_is_a_413_problem_while_reading(platform):
    body = _big_village_body(2 * MIB)
    pulled: list[int] = []
    before = await _village_count(platform)
    r = await platform.client.post("/households/v1/villages", content=_counting(body, pulled), headers={**platform.admin, "Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert r.status_code == 413, r.text[:300]
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "payload_too_large" and r.json()["limit_bytes"] == MIB
    assert len(pulled) * 64 * 1024 <= MIB + 64 * 1024  # reading stopped at the limit, not at the end
    assert await _village_count(platform) == before


async def test_body_just_under_the_limit_reaches_validation(platform):
    body = b'{"code":"123","name":"x"}' + b" " * (MIB - 100)  # JSON allows the trailing whitespace
    r = await platform.client.post("/households/v1/villages", content=body, headers={**platform.admin, "Content-Type": "application/json"})
    assert r.status_code == 422, r.text[:300]  # the schema, not the size limit, refuses it
    assert r.json()["field"] == "code"


async def test_imports_take_a_larger_documented_body_limit(platform):
    from services.households.imports.sheet import MAX_BODY_BYTES as IMPORT_MAX_BODY_BYTES  # the import route's own limit

    assert IMPORT_MAX_BODY_BYTES > MIB
    csv = ("村代码,户编号\n" + "x,y\n" * (MIB // 4)).encode()
    assert len(csv) > MIB
    files = {"file": ("big.csv", csv, "text/csv")}
    r = await platform.client.post("/households/v1/imports", params={"dry_run": "true"}, files=files, headers=platform.admin)
    assert r.status_code != 413, r.text[:300]
    assert r.status_code < 500
    pulled: list[int] = []
    too_big = b"x" * (IMPORT_MAX_BODY_BYTES + 1)
    headers = {**platform.admin, "Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(len(too_big))}
    r = await platform.client.post("/households/v1/imports", content=_counting(too_big, pulled), headers=headers)
    assert r.status_code == 413 and r.json()["limit_bytes"] == IMPORT_MAX_BODY_BYTES
    assert pulled == []


# ---- integers beyond 64 bits ---------------------------------------------------------------------

INT64_MAX = 2**63 - 1


async def _fund_count(platform) -> int:
    from sqlalchemy import func, select

    ctx = platform.context("funds")
    table = ctx.spec.metadata.tables["fund"]
    async with ctx.sessionmaker() as s:
        return int((await s.execute(select(func.count()).select_from(table))).scalar_one())


def _fund_body(**kw) -> dict:
    return {"kind": "other_assistance", "name": "越界资金", "county_code": "440232", "amount_fen": 100_000_000, "received_on": "2026-02-01", **kw}


async def test_integer_beyond_int64_in_a_body_field_is_a_422_naming_it_not_a_500(platform):
    # Whichever guard catches it (the field's bound, or the database's range as a safety net), never a 500.
    before = await _fund_count(platform)
    # Receiving a fund is a money write: it carries an Idempotency-Key (or it is a 428 before any field is read).
    headers = platform.admin | {"Idempotency-Key": "int64-overflow-fund"}
    r = await platform.client.post("/funds/v1/funds", json=_fund_body(poor_person_count=INT64_MAX + 1), headers=headers)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["field"] == "poor_person_count"
    assert await _fund_count(platform) == before


async def test_json_integer_of_thousands_of_digits_is_a_422(platform):
    body = ('{"kind":"other_assistance","name":"长整数","county_code":"440232","received_on":"2026-02-01","amount_fen":' + "9" * 5000 + "}").encode()
    r = await platform.client.post("/funds/v1/funds", content=body, headers={**platform.admin, "Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "value_out_of_range" and r.json()["field"] == "amount_fen"


async def test_cursor_holding_an_integer_beyond_int64_is_a_422_naming_the_cursor(platform):
    from shared.paging import encode_cursor

    for key in (2**70, {"a": 1}, [1, 2], 1.5):
        r = await platform.client.get("/households/v1/villages", params={"cursor": encode_cursor(key)}, headers=platform.admin)
        assert r.status_code == 422, r.text
        assert r.json()["field"] == "cursor"


async def test_database_numeric_out_of_range_is_a_422_value_out_of_range_in_both_modes(platform):
    """The safety net itself, on the real driver of each mode: binding past 64 bits, and a sum past 64 bits."""
    from sqlalchemy import BigInteger, cast, func, literal, select, union_all

    from shared.service import out_of_range_problem

    ctx = platform.context("funds")
    fund = ctx.spec.metadata.tables["fund"]
    raised = []
    two_maxima = union_all(select(literal(INT64_MAX, BigInteger).label("v")), select(literal(INT64_MAX, BigInteger).label("v"))).subquery()
    statements = (
        select(fund.c.id).where(fund.c.amount_fen == 2**70),  # binding: SQLite OverflowError, asyncpg "out of int64 range"
        select(func.sum(two_maxima.c.v)),  # SQLite: "integer overflow" (PostgreSQL sums bigints as numeric)
        select(cast(literal(INT64_MAX), BigInteger) + cast(literal(1), BigInteger)),  # PostgreSQL 22003 (SQLite: a float)
    )
    for stmt in statements:
        async with ctx.sessionmaker() as s:
            try:
                await s.execute(stmt)
            except Exception as exc:  # noqa: BLE001 - what the driver raises is the point
                raised.append(exc)
    assert len(raised) == 2, raised  # each mode: the binding and one way of summing
    for exc in raised:
        problem = out_of_range_problem(exc, {"amount_fen": 2**70})
        assert problem is not None, repr(exc)
        assert problem.status == 422 and problem.code == "value_out_of_range"
    assert out_of_range_problem(raised[0], {"amount_fen": 2**70}).field == "amount_fen"
    assert out_of_range_problem(ValueError("unrelated"), {}) is None


# ---- money writes need an Idempotency-Key -----------------------------------------------------------


async def test_money_write_without_idempotency_key_is_a_428_and_the_openapi_says_it_is_required():
    import httpx
    from fastapi import APIRouter, FastAPI

    from shared.problems import install_problem_handlers
    from shared.service import IdempotencyKeyRequired

    app = FastAPI()
    install_problem_handlers(app)
    router = APIRouter()

    @router.post("/wages", dependencies=[IdempotencyKeyRequired])
    async def pay() -> dict:
        return {"paid": True}

    app.include_router(router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        missing = await client.post("/wages")
        assert missing.status_code == 428, missing.text
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.json()["code"] == "idempotency_key_required" and missing.json()["field"] == "Idempotency-Key"
        assert (await client.post("/wages", headers={"Idempotency-Key": ""})).status_code == 428
        assert (await client.post("/wages", headers={"Idempotency-Key": "k" * 201})).status_code == 422
        assert (await client.post("/wages", headers={"idempotency-key": "k1"})).json() == {"paid": True}
        spec = (await client.get("/openapi.json")).json()
    [header] = [p for p in spec["paths"]["/wages"]["post"]["parameters"] if p["name"] == "Idempotency-Key"]
    assert header["in"] == "header" and header["required"] is True


def test_routes_requiring_an_idempotency_key_document_the_428():
    from shared.service import IdempotencyKeyRequired, TransactionalRoute

    async def pay() -> dict:
        return {}

    route = TransactionalRoute("/wages", pay, methods=["POST"], dependencies=[IdempotencyKeyRequired], responses={409: {"description": "x"}})
    assert set(route.responses) == {428, 409}
    assert "application/problem+json" in route.responses[428]["content"]


def test_out_of_range_names_the_number_not_a_digit_string_beside_it():
    from shared.service import out_of_range_problem

    inputs = {"credit_code": "9" * 25, "members": [{"id_number": "440232198003150013", "units": 2**64}]}
    assert out_of_range_problem(OverflowError("Python int too large to convert to SQLite INTEGER"), inputs).field == "members[0].units"

"""What the schemathesis run found, pinned as plain tests (see /docs/testing.md)."""

from __future__ import annotations


async def test_every_422_in_the_openapi_is_the_problem_the_server_sends(platform):
    doc = (await platform.client.get("/openapi.json")).json()
    assert {"type", "title", "status", "code"} <= set(doc["components"]["schemas"]["Problem"]["required"])
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    answers = [op["responses"]["422"] for item in doc["paths"].values() for op in item.values() if "422" in op.get("responses", {})]
    assert len(answers) > 100
    assert all(a["content"] == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}} for a in answers)
    r = await platform.client.get("/households/v1/households", params={"limit": 0}, headers=platform.admin)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    assert {"type", "title", "status", "code", "field"} <= set(r.json())


async def test_an_undeclared_method_is_a_405_problem_naming_the_allowed_methods(platform):
    r = await platform.client.request("TRACE", "/training/v1/courses", headers=platform.admin | {"Accept-Language": "en"})
    assert r.status_code == 405, r.text
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["title"] == "Method Not Allowed" and r.json()["status"] == 405


async def test_the_import_template_is_documented_as_the_csv_or_xlsx_it_is(platform):
    doc = (await platform.client.get("/openapi.json")).json()
    documented = set(doc["paths"]["/households/v1/imports/template"]["get"]["responses"]["200"]["content"])
    r = await platform.client.get("/households/v1/imports/template", headers=platform.admin)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] in documented
    assert "application/json" not in documented


async def test_audit_export_takes_iso_times_only_never_a_number_of_seconds(platform):
    auditor = platform.as_("auditor", subject="fuzz-auditor")
    for value in ("0", "0.5", "1700000000"):
        r = await platform.client.get("/ledger/v1/audit/export", params={"until": value}, headers=auditor)
        assert r.status_code == 422 and r.json()["field"] == "until", (value, r.text)
    r = await platform.client.get("/ledger/v1/audit/export", params={"since": "2026-01-01T00:00:00+08:00", "log": "outbox"}, headers=auditor)
    assert r.status_code == 200, r.text

"""HTTP for the field (issue #13 item 6): one request id, gzip on large answers, languages by q-value, 415."""

from __future__ import annotations

import gzip
import json

import httpx

from shared.language import negotiate_language
from tests.helpers import village_code


async def test_an_error_carries_exactly_one_request_id(platform):
    for response in (
        await platform.client.get("/households/v1/villages/440205000000", headers=platform.admin),  # 404
        await platform.client.post("/households/v1/villages", json={"code": "1"}, headers=platform.admin),  # 422
        await platform.client.get("/households/v1/villages"),  # 401
    ):
        assert response.status_code >= 400
        assert len(response.headers.get_list("x-request-id")) == 1, response.headers


async def test_a_callers_request_id_is_echoed_once_on_an_error(platform):
    r = await platform.client.get("/households/v1/villages/440205000000", headers={**platform.admin, "X-Request-ID": "field-7"})
    assert r.status_code == 404 and r.headers.get_list("x-request-id") == ["field-7"]


async def _raw_get(platform, path: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
    """A GET and its body as it went over the wire (not decoded by the client)."""
    response = await platform.client.send(platform.client.build_request("GET", path, headers=headers), stream=True)
    try:
        return response, b"".join([chunk async for chunk in response.aiter_raw()])
    finally:
        await response.aclose()


async def test_a_large_list_is_gzipped_for_a_client_that_accepts_it(platform):
    county = "440205"
    for _ in range(12):
        r = await platform.client.post("/households/v1/villages", json={"code": village_code(county), "name": "压缩测试村"}, headers=platform.admin)
        assert r.status_code == 201
    headers = {**platform.as_("county_officer", county), "Accept-Encoding": "gzip"}
    r, raw = await _raw_get(platform, "/households/v1/villages?limit=100", headers)
    assert r.status_code == 200
    assert r.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in r.headers["vary"].lower()
    body = json.loads(gzip.decompress(raw))
    assert len(body["items"]) >= 12
    assert int(r.headers["content-length"]) == len(raw) < len(json.dumps(body, ensure_ascii=False).encode())


async def test_small_answers_and_clients_without_gzip_are_sent_plain(platform):
    small, raw = await _raw_get(platform, "/healthz", {"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers and json.loads(raw) == {"status": "alive"}
    plain, raw = await _raw_get(platform, "/households/v1/villages?limit=100", {**platform.admin, "Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and "items" in json.loads(raw)


def test_accept_language_q_values_decide_the_language():
    assert negotiate_language("en;q=0.9, zh-CN;q=0.8") == "en"
    assert negotiate_language("en;q=0.1, zh-CN;q=0.8") == "zh"
    assert negotiate_language("fr, en;q=0.5") == "en"
    assert negotiate_language("zh-CN, en") == "zh"
    assert negotiate_language("en;q=0, *") == "zh"
    assert negotiate_language("fr") == negotiate_language("") == negotiate_language(None) == "zh"
    assert negotiate_language("en;q=bad, zh;q=0.2") == "zh"


async def test_a_problem_names_its_language_and_varies_by_it(platform):
    path = "/households/v1/villages/440205000000"
    en = await platform.client.get(path, headers={**platform.admin, "Accept-Language": "zh-CN;q=0.5, en;q=0.9"})
    zh = await platform.client.get(path, headers={**platform.admin, "Accept-Language": "en;q=0.1, zh-CN;q=0.8"})
    assert en.json()["title"] == "Not found" and en.headers["content-language"] == "en"
    assert zh.json()["title"] == "未找到" and zh.headers["content-language"] == "zh-CN"
    for r in (en, zh):
        assert "accept-language" in r.headers["vary"].lower()


async def test_a_body_of_a_type_the_operation_does_not_read_is_415(platform):
    r = await platform.client.post(
        "/households/v1/villages", content=b"code=1", headers={**platform.admin, "Content-Type": "application/x-www-form-urlencoded"}
    )
    assert r.status_code == 415
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "unsupported_media_type" and r.json()["field"] == "Content-Type"
    ok = await platform.client.post(
        "/households/v1/villages",
        content=json.dumps({"code": village_code(), "name": "类型村"}).encode(),
        headers={**platform.admin, "Content-Type": "application/json; charset=utf-8"},
    )
    assert ok.status_code == 201


async def test_a_get_has_a_strong_etag_and_if_none_match_answers_304_until_it_changes(platform):
    code = village_code()
    assert (await platform.client.post("/households/v1/villages", json={"code": code, "name": "标签村"}, headers=platform.admin)).status_code == 201
    path = f"/households/v1/villages/{code}"
    first = await platform.client.get(path, headers=platform.admin)
    etag = first.headers["etag"]
    assert first.status_code == 200 and etag.startswith('"') and not etag.startswith("W/")
    assert (await platform.client.get(path, headers=platform.admin)).headers["etag"] == etag  # from the body: stable
    cached = await platform.client.get(path, headers={**platform.admin, "If-None-Match": etag})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["etag"] == etag
    assert len(cached.headers.get_list("x-request-id")) == 1
    r = await platform.client.patch(path, json={"name": "改名村"}, headers={**platform.admin, "If-Match": etag})
    assert r.status_code == 200, r.text
    changed = await platform.client.get(path, headers={**platform.admin, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.json()["name"] == "改名村" and changed.headers["etag"] != etag


async def test_a_gzipped_answer_has_its_own_etag(platform):
    for _ in range(12):
        r = await platform.client.post("/households/v1/villages", json={"code": village_code("440205"), "name": "压缩标签村"}, headers=platform.admin)
        assert r.status_code == 201
    plain, _ = await _raw_get(platform, "/households/v1/villages?limit=100", {**platform.admin, "Accept-Encoding": "identity"})
    zipped, _ = await _raw_get(platform, "/households/v1/villages?limit=100", {**platform.admin, "Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["etag"] == plain.headers["etag"][:-1] + '-gz"'

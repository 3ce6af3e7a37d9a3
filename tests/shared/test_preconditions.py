"""Optimistic concurrency (issue #13 item 6): ``If-Match`` on updates, against the ETag a GET answered."""

from __future__ import annotations

from shared.preconditions import body_etag, if_match_matches
from tests.helpers import village_code
from tests.households.support import make_household, make_village
from tests.market.helpers import make_partner

PATCHES = ("/households/v1/households/{household_id}", "/households/v1/members/{member_id}", "/households/v1/villages/{code}", "/funds/v1/entities/{entity_id}")


async def _village(platform, name: str = "并发村") -> tuple[str, str]:
    code = village_code()
    assert (await platform.client.post("/households/v1/villages", json={"code": code, "name": name}, headers=platform.admin)).status_code == 201
    path = f"/households/v1/villages/{code}"
    return path, (await platform.client.get(path, headers=platform.admin)).headers["etag"]


async def test_an_update_from_a_stale_version_is_refused_with_412_and_changes_nothing(platform):
    path, etag = await _village(platform)
    first = await platform.client.patch(path, json={"name": "甲改"}, headers={**platform.admin, "If-Match": etag})
    assert first.status_code == 200, first.text
    # The second cadre edited the same version: refused, and the first edit stands.
    second = await platform.client.patch(path, json={"name": "乙改"}, headers={**platform.admin, "If-Match": etag})
    assert second.status_code == 412, second.text
    assert second.headers["content-type"].startswith("application/problem+json")
    assert second.json()["code"] == "precondition_failed" and second.json()["field"] == "If-Match"
    assert (await platform.client.get(path, headers=platform.admin)).json()["name"] == "甲改"


async def test_an_update_answers_the_new_versions_etag_which_its_get_repeats(platform):
    path, etag = await _village(platform)
    r = await platform.client.patch(path, json={"name": "连改一"}, headers={**platform.admin, "If-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag
    assert (await platform.client.get(path, headers=platform.admin)).headers["etag"] == r.headers["etag"]
    again = await platform.client.patch(path, json={"name": "连改二"}, headers={**platform.admin, "If-Match": r.headers["etag"]})
    assert again.status_code == 200, again.text


async def test_a_patch_without_if_match_is_428_and_writes_nothing(platform):
    path, _ = await _village(platform, "无条件村")
    r = await platform.client.patch(path, json={"name": "不该改"}, headers=platform.admin)
    assert r.status_code == 428 and r.json()["code"] == "if_match_required" and r.json()["field"] == "If-Match"
    assert (await platform.client.get(path, headers=platform.admin)).json()["name"] == "无条件村"


async def test_a_weak_tag_never_matches_and_star_matches_any_version(platform):
    path, etag = await _village(platform)
    assert (await platform.client.patch(path, json={"name": "弱"}, headers={**platform.admin, "If-Match": f"W/{etag}"})).status_code == 412
    assert (await platform.client.patch(path, json={"name": "星"}, headers={**platform.admin, "If-Match": "*"})).status_code == 200


async def test_the_gzipped_variants_tag_names_the_same_version(platform):
    path, etag = await _village(platform, "压缩并发村")
    assert not etag.endswith('-gz"')  # a small answer: not gzipped, a plain tag
    gz = etag[:-1] + '-gz"'  # what a gzipped GET of the same body is tagged
    r = await platform.client.patch(path, json={"name": "压缩改"}, headers={**platform.admin, "If-Match": gz})
    assert r.status_code == 200, r.text


async def test_household_and_member_updates_check_if_match(platform):
    village = await make_village(platform)
    household = await make_household(platform, village)
    path = f"/households/v1/households/{household['id']}"
    etag = (await platform.client.get(path, headers=platform.admin)).headers["etag"]
    member = f"/households/v1/members/{household['members'][0]['id']}"
    member_tag = (await platform.client.get(member, headers=platform.admin)).headers["etag"]
    assert (await platform.client.patch(path, json={"address": "x"}, headers=platform.admin)).status_code == 428
    r = await platform.client.patch(path, json={"address": "三组5号", "reason": "门牌"}, headers={**platform.admin, "If-Match": etag})
    assert r.status_code == 200, r.text
    assert (await platform.client.patch(path, json={"address": "四组", "reason": "门牌"}, headers={**platform.admin, "If-Match": etag})).status_code == 412
    change = {"labour_capacity": "partial", "effective_on": "2026-02-01"}
    assert (await platform.client.patch(member, json=change, headers=platform.admin)).status_code == 428
    r = await platform.client.patch(member, json=change, headers={**platform.admin, "If-Match": member_tag})
    assert r.status_code == 200, r.text
    stale = {"labour_capacity": "none", "effective_on": "2026-03-01"}
    assert (await platform.client.patch(member, json=stale, headers={**platform.admin, "If-Match": member_tag})).status_code == 412
    # A status change with the household's old tag is refused; without the header it is not checked.
    status = {"poverty_status": "not_poor", "effective_on": "2026-02-01"}
    assert (await platform.client.post(f"{path}/status", json=status, headers={**platform.admin, "If-Match": etag})).status_code == 412
    assert (await platform.client.get(path, headers=platform.admin)).json()["poverty_status"] != "not_poor"


def test_if_match_compares_strongly_and_reads_lists():
    tag = body_etag(b'{"a":1}')
    assert if_match_matches(tag, tag) and if_match_matches(f'"x", {tag}', tag) and if_match_matches("*", tag)
    assert if_match_matches(body_etag(b'{"a":1}', gzipped=True), tag)
    assert not if_match_matches(f"W/{tag}", tag) and not if_match_matches('"other"', tag)


def test_the_openapi_declares_if_match_412_and_428_on_every_patch(spec):
    problem = {"$ref": "#/components/schemas/Problem"}
    patches = [(path, op) for path, item in spec["paths"].items() for method, op in item.items() if method == "patch"]
    assert {p for p, _ in patches} >= set(PATCHES) | {"/market/v1/partners/{code}"}
    for path, op in patches:
        header = [p for p in op["parameters"] if p["in"] == "header" and p["name"] == "If-Match"]
        assert header and header[0]["required"] is True, path
        for status in ("412", "428"):
            assert op["responses"][status]["content"]["application/problem+json"]["schema"] == problem, (path, status)
        assert "ETag" in op["responses"]["200"]["headers"], path
    status_change = spec["paths"]["/households/v1/households/{household_id}/status"]["post"]
    header = [p for p in status_change["parameters"] if p["in"] == "header" and p["name"] == "If-Match"]
    assert header and header[0]["required"] is False and "412" in status_change["responses"]


async def test_a_partners_settings_change_needs_the_version_it_was_read_at(platform):
    """Two administrators switching one partner off and on: the second, from the version both read, is refused."""
    code, _ = await make_partner(platform)
    path = f"/market/v1/partners/{code}"
    read = await platform.client.get(path, headers=platform.admin)
    assert read.status_code == 200, read.text
    assert (await platform.client.patch(path, json={"enabled": False}, headers=platform.admin)).status_code == 428
    first = await platform.client.patch(path, json={"enabled": False}, headers={**platform.admin, "If-Match": read.headers["etag"]})
    assert first.status_code == 200 and first.json()["enabled"] is False, first.text
    stale = await platform.client.patch(path, json={"allowed_products": ["tea"]}, headers={**platform.admin, "If-Match": read.headers["etag"]})
    assert stale.status_code == 412, stale.text
    after = (await platform.client.get(path, headers=platform.admin)).json()
    assert after["enabled"] is False and after["allowed_products"] != ["tea"]

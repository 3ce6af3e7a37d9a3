"""Issue 11: bounded, strict training input, references in scope, and the two 500s seen."""

from __future__ import annotations

from datetime import date

import pytest

from shared.events.training import LabourerComplianceChanged
from tests.training.support import course, labourers, session, trained, training_facts, training_file, year_of


async def test_a_certificate_dated_0001_01_01_is_refused_and_writes_no_training_facts(platform):
    village = await labourers(platform)
    mid = village.member_ids[0]
    before = await training_facts(platform, LabourerComplianceChanged.event_type, member_id=mid)
    body = {"member_id": mid, "skill": "茶叶加工", "certified_by": "县农业农村局", "certified_on": "0001-01-01"}
    r = await platform.client.post("/training/v1/certificates", json=body, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "certified_on", r.text
    assert await training_facts(platform, LabourerComplianceChanged.event_type, member_id=mid) == before
    assert (await training_file(platform, mid, 2025))["certificates"] == []


@pytest.mark.parametrize("certified_on", [0, 20250102, "2013-12-31"])
async def test_a_certificate_date_as_a_number_or_before_the_registry_is_refused(platform, certified_on):
    village = await labourers(platform)
    body = {"member_id": village.member_ids[0], "skill": "养蚕", "certified_by": "某局", "certified_on": certified_on}
    r = await platform.client.post("/training/v1/certificates", json=body, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "certified_on", r.text


async def test_yes_is_not_true_for_requires_labour_capacity_and_unknown_fields_are_named(platform):
    body = {"title": "课程", "category": "agricultural_technique", "industry": "tea", "level": "primary", "post": "茶农", "standard_days": 5}
    r = await platform.client.post("/training/v1/courses", json=body | {"requires_labour_capacity": "yes"}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "requires_labour_capacity", r.text
    r = await platform.client.post("/training/v1/courses", json=body | {"standard_dayz": 5}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "standard_dayz", r.text
    r = await platform.client.post("/training/v1/courses", json=body | {"standard_days": 2**63}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "standard_days", r.text


async def test_a_session_in_year_one_or_with_a_control_character_in_its_venue_is_refused(platform):
    village = await labourers(platform)
    cid = await course(platform)
    body = {
        "course_id": cid,
        "venue_kind": "industry_project_area",
        "venue_name": "基地",
        "region_code": village.code,
        "start_date": "0001-01-01",
        "end_date": "0001-01-05",
        "trainer": "李老师",
    }
    r = await platform.client.post("/training/v1/sessions", json=body, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "start_date", r.text
    r = await platform.client.post(
        "/training/v1/sessions", json=body | {"start_date": "2025-03-03", "end_date": "2025-03-07", "venue_name": "基\u202e地"}, headers=platform.admin
    )
    assert r.status_code == 422 and r.json()["field"] == "venue_name", r.text


async def test_a_year_query_beyond_int64_or_the_window_is_422(platform):
    village = await labourers(platform)
    for year in (str(2**64), "1999", "2061"):
        r = await platform.client.get(f"/training/v1/members/{village.member_ids[0]}/training-file", params={"year": year}, headers=platform.admin)
        assert r.status_code == 422 and r.json()["field"] == "year", (year, r.text)


async def test_the_training_file_for_a_year_before_the_first_training_answers_behind(platform):
    village = await labourers(platform)
    mid = village.member_ids[0]
    cid = await course(platform)
    await trained(platform, cid, village, date(2025, 3, 3), 5)
    file = await training_file(platform, mid, 2022)
    assert file["year"] == 2022 and file["status"] == "behind"
    assert year_of(file, 2022)["counted_sessions"] == 0
    assert year_of(file, 2025)["counted_sessions"] == 1
    r = await platform.client.get("/training/v1/labourers/behind", params={"year": 2022, "region": village.code}, headers=platform.admin)
    assert r.status_code == 200 and mid in [i["member_id"] for i in r.json()["items"]], r.text


async def test_enrolments_page_one_at_a_time(platform):
    village = await labourers(platform, 3)
    sid = await session(platform, await course(platform), village.code, date(2025, 3, 3))
    r = await platform.client.post(f"/training/v1/sessions/{sid}/enrolments", json={"member_ids": village.member_ids}, headers=platform.admin)
    assert r.status_code == 201, r.text
    seen: list[str] = []
    params: dict[str, object] = {"limit": 1}
    while True:
        r = await platform.client.get(f"/training/v1/sessions/{sid}/enrolments", params=params, headers=platform.admin)
        assert r.status_code == 200, r.text
        assert len(r.json()["items"]) <= 1
        seen += [e["member_id"] for e in r.json()["items"]]
        if not r.json()["next_cursor"]:
            break
        params["cursor"] = r.json()["next_cursor"]
    assert sorted(seen) == sorted(village.member_ids)


async def test_enrolling_or_certifying_a_member_of_another_county_is_refused_as_if_unknown(platform):
    ours = await labourers(platform, county="440232")
    theirs = await labourers(platform, county="440233")
    trainer = platform.as_("trainer", "440232")
    sid = await session(platform, await course(platform), ours.code, date(2025, 3, 3))
    r = await platform.client.post(f"/training/v1/sessions/{sid}/enrolments", json={"member_ids": [ours.member_ids[0], theirs.member_ids[0]]}, headers=trainer)
    assert r.status_code == 422 and r.json()["field"] == "member_ids[1]", r.text
    unknown = await platform.client.post(f"/training/v1/sessions/{sid}/enrolments", json={"member_ids": [ours.member_ids[0], "no-such"]}, headers=trainer)
    assert unknown.json()["title"] == r.json()["title"]
    assert (await platform.client.get(f"/training/v1/sessions/{sid}/enrolments", headers=platform.admin)).json()["items"] == []
    body = {"member_id": theirs.member_ids[0], "skill": "养蚕", "certified_by": "某局", "certified_on": "2025-01-02"}
    r = await platform.client.post("/training/v1/certificates", json=body, headers=trainer)
    assert r.status_code == 422 and r.json()["field"] == "member_id", r.text


async def test_a_county_course_is_neither_seen_nor_used_by_another_county(platform):
    body = {"title": "县级课程", "category": "agricultural_technique", "industry": "tea", "level": "primary", "post": "茶农", "standard_days": 5}
    r = await platform.client.post("/training/v1/courses", json=body | {"county_code": "440233"}, headers=platform.admin)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    officer_a = platform.as_("county_officer", "440232")
    assert (await platform.client.get(f"/training/v1/courses/{cid}", headers=officer_a)).status_code == 404
    listed = (await platform.client.get("/training/v1/courses", params={"limit": 500}, headers=officer_a)).json()["items"]
    assert cid not in [c["id"] for c in listed]
    officer_b = platform.as_("county_officer", "440233")
    assert (await platform.client.get(f"/training/v1/courses/{cid}", headers=officer_b)).status_code == 200
    ours = await labourers(platform, county="440232")
    session_body = {
        "course_id": cid,
        "venue_kind": "industry_project_area",
        "venue_name": "基地",
        "region_code": ours.code,
        "start_date": "2025-03-03",
        "end_date": "2025-03-07",
        "trainer": "李老师",
    }
    r = await platform.client.post("/training/v1/sessions", json=session_body, headers=officer_a)
    assert r.status_code == 422 and r.json()["field"] == "course_id", r.text


async def test_the_database_refuses_a_certificate_of_year_one_written_around_the_api(platform):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from services.training.models import Certificate
    from shared.ids import new_id

    village = await labourers(platform)
    row = {
        "id": new_id(), "member_id": village.member_ids[0], "skill": "养蚕", "skill_key": "养蚕",
        "certified_by": "某局", "certified_on": date(1, 1, 1), "recorded_by": "script",
    }  # fmt: skip
    with pytest.raises(IntegrityError):
        async with platform.context("training").engine.begin() as conn:
            await conn.execute(insert(Certificate), [row])

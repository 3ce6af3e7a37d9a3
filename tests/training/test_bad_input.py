"""Bad input is refused with 422 problem details naming the field, and nothing is written."""

from __future__ import annotations

from datetime import date

from tests.training.support import certify, course, labourers, session, training_file


async def test_session_whose_end_precedes_its_start_is_refused(platform):
    village = await labourers(platform)
    cid = await course(platform)
    body = {
        "course_id": cid,
        "venue_kind": "industry_project_area",
        "venue_name": "基地",
        "region_code": village.code,
        "start_date": "2025-03-07",
        "end_date": "2025-03-06",
        "trainer": "李老师",
    }
    r = await platform.client.post("/training/v1/sessions", json=body, headers=platform.admin)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "end_date"
    assert r.headers["content-type"].startswith("application/problem+json")
    listed = await platform.client.get("/training/v1/sessions", params={"course_id": cid}, headers=platform.admin)
    assert listed.json()["items"] == []


async def test_attendance_for_a_person_not_enrolled_is_refused_and_nothing_is_recorded(platform):
    village = await labourers(platform, 2)
    enrolled, stranger = village.member_ids
    sid = await session(platform, await course(platform), village.code, date(2025, 3, 3))
    r = await platform.client.post(f"/training/v1/sessions/{sid}/enrolments", json={"member_ids": [enrolled]}, headers=platform.admin)
    assert r.status_code == 201
    r = await platform.client.post(
        f"/training/v1/sessions/{sid}/attendance", json={"days": ["2025-03-03"], "member_ids": [enrolled, stranger]}, headers=platform.admin
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "member_ids[1]"
    rows = (await platform.client.get(f"/training/v1/sessions/{sid}/enrolments", headers=platform.admin)).json()["items"]
    assert [(e["member_id"], e["days_attended"]) for e in rows] == [(enrolled, 0)]


async def test_attendance_on_a_day_outside_the_session_is_refused(platform):
    village = await labourers(platform)
    mid = village.member_ids[0]
    sid = await session(platform, await course(platform), village.code, date(2025, 3, 3))
    await platform.client.post(f"/training/v1/sessions/{sid}/enrolments", json={"member_ids": [mid]}, headers=platform.admin)
    r = await platform.client.post(
        f"/training/v1/sessions/{sid}/attendance", json={"days": ["2025-03-07", "2025-03-08"], "member_ids": [mid]}, headers=platform.admin
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "days[1]"
    rows = (await platform.client.get(f"/training/v1/sessions/{sid}/enrolments", headers=platform.admin)).json()["items"]
    assert rows[0]["days_attended"] == 0
    ok = await platform.client.post(f"/training/v1/sessions/{sid}/attendance", json={"days": ["2025-03-07"], "member_ids": [mid]}, headers=platform.admin)
    assert ok.json()["recorded"] == 1


async def test_a_duplicate_certificate_is_refused_naming_the_skill(platform):
    village = await labourers(platform)
    mid = village.member_ids[0]
    await certify(platform, mid, skill="茶叶 加工")
    r = await platform.client.post(
        "/training/v1/certificates",
        json={"member_id": mid, "skill": " 茶叶  加工 ", "certified_by": "另一个单位", "certified_on": "2025-01-02"},
        headers=platform.admin,
    )
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "skill" and r.json()["code"] == "duplicate_certificate"
    file = await training_file(platform, mid, 2025)
    assert [c["skill"] for c in file["certificates"]] == ["茶叶 加工"]


async def test_enrolling_an_unknown_member_is_refused(platform):
    village = await labourers(platform)
    sid = await session(platform, await course(platform), village.code, date(2025, 3, 3))
    r = await platform.client.post(
        f"/training/v1/sessions/{sid}/enrolments", json={"member_ids": [village.member_ids[0], "no-such-member"]}, headers=platform.admin
    )
    assert r.status_code == 422 and r.json()["field"] == "member_ids[1]", r.text
    rows = (await platform.client.get(f"/training/v1/sessions/{sid}/enrolments", headers=platform.admin)).json()["items"]
    assert rows == []  # the valid first member was not enrolled either


async def test_a_completed_session_no_longer_changes(platform):
    village = await labourers(platform)
    mid = village.member_ids[0]
    sid = await session(platform, await course(platform), village.code, date(2025, 3, 3))
    await platform.client.post(f"/training/v1/sessions/{sid}/enrolments", json={"member_ids": [mid]}, headers=platform.admin)
    assert (await platform.client.post(f"/training/v1/sessions/{sid}/complete", headers=platform.admin)).status_code == 200
    again = await platform.client.post(f"/training/v1/sessions/{sid}/complete", headers=platform.admin)
    late = await platform.client.post(f"/training/v1/sessions/{sid}/attendance", json={"days": ["2025-03-03"], "member_ids": [mid]}, headers=platform.admin)
    assert again.status_code == 409 and late.status_code == 409


async def test_a_session_cannot_complete_before_it_ends(platform):
    village = await labourers(platform)
    start = date(date.today().year + 1, 1, 5)
    sid = await session(platform, await course(platform), village.code, start)
    r = await platform.client.post(f"/training/v1/sessions/{sid}/complete", headers=platform.admin)
    assert r.status_code == 409 and r.json()["code"] == "session_not_ended", r.text
    assert (await platform.client.get(f"/training/v1/sessions/{sid}", headers=platform.admin)).json()["completed_on"] is None

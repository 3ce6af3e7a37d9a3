"""Who may read and write training: trainers within their scope, county officers in their county, auditors read only."""

from __future__ import annotations

from datetime import date

from tests.training.support import behind, course, labourers, session


async def test_a_trainer_scoped_to_another_county_neither_sees_nor_runs_our_sessions(platform):
    village = await labourers(platform)  # in 440232
    sid = await session(platform, await course(platform), village.code, date(2025, 3, 3))
    outsider = platform.as_("trainer", "440233")
    assert (await platform.client.get(f"/training/v1/sessions/{sid}", headers=outsider)).status_code == 404
    assert (await platform.client.get(f"/training/v1/members/{village.member_ids[0]}/training-file", headers=outsider)).status_code == 404
    r = await platform.client.post(f"/training/v1/sessions/{sid}/enrolments", json={"member_ids": village.member_ids}, headers=outsider)
    assert r.status_code == 403, r.text
    listed = await platform.client.get("/training/v1/sessions", params={"limit": 500}, headers=outsider)
    assert sid not in {s["id"] for s in listed.json()["items"]}
    assert all(i["village_code"] != village.code for i in await behind(platform, 2025, "4402", headers=outsider))


async def test_a_trainer_scoped_to_the_county_runs_its_sessions(platform):
    village = await labourers(platform)
    cid = await course(platform)
    local = platform.as_("trainer", village.code[:6])
    body = {
        "course_id": cid,
        "venue_kind": "industry_project_area",
        "venue_name": "基地",
        "region_code": village.code,
        "start_date": "2025-03-03",
        "end_date": "2025-03-07",
        "trainer": "李老师",
    }
    r = await platform.client.post("/training/v1/sessions", json=body, headers=local)
    assert r.status_code == 201, r.text
    r = await platform.client.post(f"/training/v1/sessions/{r.json()['id']}/enrolments", json={"member_ids": village.member_ids}, headers=local)
    assert r.status_code == 201, r.text
    assert any(i["village_code"] == village.code for i in await behind(platform, 2025, village.code, headers=local))


async def test_a_county_officer_writes_only_in_their_county_and_not_the_city_catalogue(platform):
    village = await labourers(platform)
    cid = await course(platform)
    body = {"course_id": cid, "venue_kind": "classroom", "venue_name": "课室", "start_date": "2025-03-03", "end_date": "2025-03-07", "trainer": "王老师"}
    officer = platform.as_("county_officer", village.code[:6])
    assert (await platform.client.post("/training/v1/sessions", json=body | {"region_code": village.code}, headers=officer)).status_code == 201
    assert (await platform.client.post("/training/v1/sessions", json=body | {"region_code": "440233100101"}, headers=officer)).status_code == 403
    course_body = {"title": "县级课程", "category": "agricultural_technique", "industry": "tea", "level": "primary", "post": "茶农", "standard_days": 5}
    assert (await platform.client.post("/training/v1/courses", json=course_body, headers=officer)).status_code == 403
    own = await platform.client.post("/training/v1/courses", json=course_body | {"county_code": village.code[:6]}, headers=officer)
    assert own.status_code == 201, own.text


async def test_auditors_read_training_and_never_write_it(platform):
    village = await labourers(platform)
    auditor = platform.as_("auditor")
    assert (await platform.client.get(f"/training/v1/members/{village.member_ids[0]}/training-file", headers=auditor)).status_code == 200
    body = {"title": "课程", "category": "agricultural_technique", "industry": "tea", "level": "primary", "post": "茶农", "standard_days": 5}
    assert (await platform.client.post("/training/v1/courses", json=body, headers=auditor)).status_code == 403
    r = await platform.client.post(
        "/training/v1/certificates",
        json={"member_id": village.member_ids[0], "skill": "养蚕", "certified_by": "某局", "certified_on": "2025-01-02"},
        headers=auditor,
    )
    assert r.status_code == 403


async def test_a_village_cadre_reads_the_files_of_their_village_but_does_not_run_training(platform):
    village = await labourers(platform)
    cadre = platform.as_("village_cadre", village.code)
    assert (await platform.client.get(f"/training/v1/members/{village.member_ids[0]}/training-file", headers=cadre)).status_code == 200
    r = await platform.client.post(
        "/training/v1/certificates",
        json={"member_id": village.member_ids[0], "skill": "养蚕", "certified_by": "某局", "certified_on": "2025-01-02"},
        headers=cadre,
    )
    assert r.status_code == 403

"""R8 (§3.3): courses set by industry, level and post in three categories; teaching where the work is."""

from __future__ import annotations

from datetime import date

from tests.training.support import course, labourers, session

COURSE = {"title": "课程", "level": "primary", "post": "学员", "standard_days": 5}


async def test_r8_course_industry_must_suit_its_category(platform):
    c, h = platform.client, platform.admin
    for category, industry in (("agricultural_technique", "e_commerce"), ("cultural_literacy", "tea"), ("employment_skills", "cultural_literacy")):
        r = await c.post("/training/v1/courses", json=COURSE | {"category": category, "industry": industry}, headers=h)
        assert r.status_code == 422, (category, industry, r.text)
        assert r.json()["rule"] == "R8" and r.json()["field"] == "industry"
    for category, industry in (("agricultural_technique", "medicinal_herbs"), ("employment_skills", "e_commerce"), ("cultural_literacy", "cultural_literacy")):
        r = await c.post("/training/v1/courses", json=COURSE | {"category": category, "industry": industry}, headers=h)
        assert r.status_code == 201, (category, industry, r.text)


async def test_r8_unknown_category_industry_or_level_is_refused_naming_the_field(platform):
    c, h = platform.client, platform.admin
    base = COURSE | {"category": "agricultural_technique", "industry": "tea"}
    for field, value in (("category", "cooking"), ("industry", "rubber"), ("level", "expert")):
        r = await c.post("/training/v1/courses", json=base | {field: value}, headers=h)
        assert r.status_code == 422 and r.json()["field"] == field, r.text


async def test_r8_courses_are_listed_by_category_and_industry(platform):
    c, h = platform.client, platform.admin
    herbs = await course(platform, category="agricultural_technique", industry="medicinal_herbs")
    shop = await course(platform, category="employment_skills", industry="e_commerce")
    r = await c.get("/training/v1/courses", params={"category": "agricultural_technique", "industry": "medicinal_herbs", "limit": 500}, headers=h)
    ids = {i["id"] for i in r.json()["items"]}
    assert herbs in ids and shop not in ids
    assert all(i["category"] == "agricultural_technique" and i["industry"] == "medicinal_herbs" for i in r.json()["items"])
    one = (await c.get(f"/training/v1/courses/{shop}", headers=h)).json()
    assert one["requires_labour_capacity"] is True and one["post"] == "学员"


async def test_r8_teaching_happens_where_the_work_is(platform):
    village = await labourers(platform)
    farming = await course(platform, category="agricultural_technique", industry="tea")
    shop = await course(platform, category="employment_skills", industry="e_commerce")
    body = {"venue_name": "基地", "region_code": village.code, "start_date": "2025-03-03", "end_date": "2025-03-07", "trainer": "李老师"}
    for course_id, venue in ((farming, "ecommerce_platform"), (farming, "employment_base"), (shop, "industry_project_area")):
        r = await platform.client.post("/training/v1/sessions", json=body | {"course_id": course_id, "venue_kind": venue}, headers=platform.admin)
        assert r.status_code == 422, (venue, r.text)
        assert r.json()["rule"] == "R8" and r.json()["field"] == "venue_kind"
    assert await session(platform, farming, village.code, date(2025, 3, 3), venue_kind="industry_project_area")
    assert await session(platform, shop, village.code, date(2025, 3, 3), venue_kind="ecommerce_platform")
    r = await platform.client.get("/training/v1/sessions", params={"course_id": farming, "limit": 500}, headers=platform.admin)
    assert [s["venue_kind"] for s in r.json()["items"]] == ["industry_project_area"]  # the refused ones wrote nothing


async def test_r8_cultural_literacy_admits_members_without_labour_capacity_while_work_courses_refuse_them(platform):
    village = await labourers(platform, labour="none")
    mid = village.member_ids[0]
    farming = await course(platform, category="agricultural_technique", industry="tea")
    literacy = await course(platform, category="cultural_literacy", industry="cultural_literacy")
    farming_session = await session(platform, farming, village.code, date(2025, 3, 3))
    r = await platform.client.post(f"/training/v1/sessions/{farming_session}/enrolments", json={"member_ids": [mid]}, headers=platform.admin)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "member_ids[0]" and r.json()["code"] == "labour_capacity_required"
    enrolled = await platform.client.get(f"/training/v1/sessions/{farming_session}/enrolments", headers=platform.admin)
    assert enrolled.json()["items"] == []

    literacy_session = await session(platform, literacy, village.code, date(2025, 3, 3), venue_kind="classroom")
    r = await platform.client.post(f"/training/v1/sessions/{literacy_session}/enrolments", json={"member_ids": [mid]}, headers=platform.admin)
    assert r.status_code == 201, r.text
    assert [e["member_id"] for e in r.json()] == [mid]

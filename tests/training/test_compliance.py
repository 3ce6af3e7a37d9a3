"""R7 (§3.2) through the HTTP API: ≥2 sessions a year, each ≥5 attended days, three consecutive years, ≥1 skill."""

from __future__ import annotations

from datetime import date

from tests.training.support import behind, certify, course, labourers, trained, training_file, year_of


async def test_r7_four_attended_days_do_not_count_five_do(platform):
    village = await labourers(platform)
    mid = village.member_ids[0]
    cid = await course(platform)
    await trained(platform, cid, village, date(2025, 3, 3), days=4)
    await trained(platform, cid, village, date(2025, 4, 7), days=5)

    file = await training_file(platform, mid, 2025)
    assert [(s["days_attended"], s["counted"]) for s in file["sessions"]] == [(4, False), (5, True)]
    assert year_of(file, 2025)["counted_sessions"] == 1
    assert file["status"] == "behind"
    assert file["needs"] == {"sessions": 1, "days": 5, "skill": True, "years_remaining": 3}


async def test_r7_two_counted_sessions_in_one_year_put_the_labourer_on_track(platform):
    village = await labourers(platform)
    mid = village.member_ids[0]
    cid = await course(platform)
    await trained(platform, cid, village, date(2025, 3, 3), days=5)
    assert (await training_file(platform, mid, 2025))["status"] == "behind"
    await trained(platform, cid, village, date(2025, 9, 1), days=6, length=6)

    file = await training_file(platform, mid, 2025)
    assert file["status"] == "on_track"
    assert year_of(file, 2025) == {"year": 2025, "status": "on_track", "counted_sessions": 2, "consecutive_years": 1, "has_skill": False}
    assert file["needs"]["sessions"] == 0 and file["needs"]["years_remaining"] == 2


async def test_r7_three_consecutive_years_and_a_skill_make_a_labourer_compliant(platform):
    village = await labourers(platform)
    mid = village.member_ids[0]
    cid = await course(platform)
    for year in (2023, 2024, 2025):
        await trained(platform, cid, village, date(year, 3, 6), days=5)
        await trained(platform, cid, village, date(year, 10, 9), days=5)

    file = await training_file(platform, mid, 2025)
    assert [(y["year"], y["status"], y["consecutive_years"]) for y in file["years"] if y["year"] <= 2025] == [
        (2023, "on_track", 1),
        (2024, "on_track", 2),
        (2025, "behind", 3),  # three years done, but no skill yet
    ]
    assert file["needs"] == {"sessions": 0, "days": 0, "skill": True, "years_remaining": 0}

    await certify(platform, mid, on="2025-11-20")
    file = await training_file(platform, mid, 2025)
    assert file["status"] == "compliant"
    assert year_of(file, 2025) == {"year": 2025, "status": "compliant", "counted_sessions": 2, "consecutive_years": 3, "has_skill": True}
    assert year_of(file, 2024)["has_skill"] is False  # certified in 2025: not by the end of 2024
    assert file["needs"]["skill"] is False


async def test_r7_a_gap_year_breaks_the_three_consecutive_years(platform):
    village = await labourers(platform)
    mid = village.member_ids[0]
    cid = await course(platform)
    for year in (2022, 2023, 2025):
        await trained(platform, cid, village, date(year, 3, 6), days=5)
        await trained(platform, cid, village, date(year, 10, 9), days=5)
    await trained(platform, cid, village, date(2024, 5, 6), days=5)  # only one counted session in 2024
    await certify(platform, mid, on="2023-05-01")

    file = await training_file(platform, mid, 2025)
    assert [(y["year"], y["status"], y["counted_sessions"], y["consecutive_years"]) for y in file["years"] if y["year"] <= 2025] == [
        (2022, "on_track", 2, 1),
        (2023, "on_track", 2, 2),
        (2024, "behind", 1, 0),
        (2025, "on_track", 2, 1),
    ]
    assert file["status"] == "on_track"
    assert file["needs"]["years_remaining"] == 2


async def test_r7_a_labourer_with_no_training_is_listed_behind_with_what_they_still_need(platform):
    village = await labourers(platform, 2)
    done, idle = village.member_ids
    cid = await course(platform)
    await trained(platform, cid, village, date(2025, 3, 3), days=5, members=[done])
    await trained(platform, cid, village, date(2025, 6, 2), days=5, members=[done])

    for region in (village.code, village.code[:9], village.code[:6]):
        ours = {i["member_id"]: i for i in await behind(platform, 2025, region) if i["village_code"] == village.code}
        assert set(ours) == {idle}, region
    item = ours[idle]
    assert item["needs"] == {"sessions": 2, "days": 10, "skill": True, "years_remaining": 3}
    assert item["township_code"] == village.code[:9] and item["county_code"] == village.code[:6]
    assert item["village_name"] is not None

    assert all(i["village_code"] != village.code for i in await behind(platform, 2025, "440233"))


async def test_r7_members_without_labour_capacity_are_not_listed_behind(platform):
    village = await labourers(platform, labour="none")
    assert await behind(platform, 2025, village.code) == []
    file = await training_file(platform, village.member_ids[0], 2025)
    assert file["labourer"] is False


async def test_r7_summary_counts_compliant_on_track_and_behind_by_village_township_and_county(platform):
    village = await labourers(platform, 3)
    done, started, idle = village.member_ids
    cid = await course(platform)
    for year in (2023, 2024, 2025):
        await trained(platform, cid, village, date(year, 3, 6), days=5, members=[done])
        await trained(platform, cid, village, date(year, 10, 9), days=5, members=[done] if year < 2025 else [done, started])
    await trained(platform, cid, village, date(2025, 5, 5), days=5, members=[started])
    await certify(platform, done, on="2024-01-10")

    r = await platform.client.get("/training/v1/labourers/summary", params={"year": 2025, "by": "village", "region": village.code}, headers=platform.admin)
    assert r.status_code == 200, r.text
    assert r.json()["items"] == [{"code": village.code, "year": 2025, "labourers": 3, "compliant": 1, "on_track": 1, "behind": 1}]
    for by, digits in (("township", 9), ("county", 6)):
        r = await platform.client.get("/training/v1/labourers/summary", params={"year": 2025, "by": by, "limit": 500}, headers=platform.admin)
        [row] = [i for i in r.json()["items"] if i["code"] == village.code[:digits]]
        assert row["labourers"] >= 3 and row["compliant"] >= 1 and row["labourers"] == row["compliant"] + row["on_track"] + row["behind"]
    outsider = platform.as_("county_officer", "440233")
    r = await platform.client.get("/training/v1/labourers/summary", params={"year": 2025, "by": "county"}, headers=outsider)
    assert all(i["code"] == "440233" for i in r.json()["items"])


async def test_r7_summary_pages_by_division_code(platform):
    village = await labourers(platform)
    codes: list[str] = []
    params = {"year": 2025, "by": "village", "region": village.code[:6], "limit": 2}
    while True:
        r = await platform.client.get("/training/v1/labourers/summary", params=params, headers=platform.admin)
        assert r.status_code == 200, r.text
        codes += [i["code"] for i in r.json()["items"]]
        if not r.json()["next_cursor"]:
            break
        params["cursor"] = r.json()["next_cursor"]
    assert village.code in codes and codes == sorted(set(codes))

"""Objections and grievances: the workflow, the complainant encrypted, scope, counts and the overdue, bounded input."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.oversight.cases.models import Case
from tests.helpers import village_code
from tests.oversight.support import OV, advance, approved, cadre, notice_of, object_to, shares


def grievance(village: str, **kw):
    return {"village_code": village, "category": "payment", "summary": "户主反映分红未到账", **kw}


async def record(platform, village: str, headers=None, **kw) -> dict:
    r = await platform.client.post(f"{OV}/cases", json=grievance(village, **kw), headers=headers or cadre(platform, village))
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_grievance_is_tied_to_what_it_concerns_and_moves_received_investigating_upheld(gated):
    village = village_code()
    c = await record(gated, village, concerns={"household_id": "h-1", "line_id": "l-1", "entity_id": "e-1"}, event_ids=["ev-1", "ev-1", "ev-2"])
    assert c["kind"] == "grievance" and c["status"] == "received" and c["notice_id"] is None
    assert c["concerns"] == {"household_id": "h-1", "line_id": "l-1", "entity_id": "e-1"} and c["event_ids"] == ["ev-1", "ev-2"]
    h = cadre(gated, village)
    r = await gated.client.post(f"{OV}/cases/{c['id']}/resolve", json={"outcome": "upheld", "reason": "x"}, headers=h)
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"  # investigated first
    r = await gated.client.post(f"{OV}/cases/{c['id']}/investigate", json={"owner": "officer-zhang", "deadline": "2030-01-31"}, headers=h)
    assert r.status_code == 200 and r.json()["owner"] == "officer-zhang" and r.json()["deadline"] == "2030-01-31"
    r = await gated.client.post(f"{OV}/cases/{c['id']}/resolve", json={"outcome": "upheld", "reason": "已补发"}, headers=h)
    assert r.json()["status"] == "upheld" and r.json()["resolution_reason"] == "已补发"
    assert [step["status"] for step in r.json()["history"]] == ["received", "investigating", "upheld"]
    r = await gated.client.post(f"{OV}/cases/{c['id']}/investigate", json={}, headers=h)
    assert r.status_code == 409  # a decided case is not reopened


async def test_a_role_outside_the_village_cannot_see_or_handle_its_grievances(gated):
    village, other = village_code(), village_code()
    c = await record(gated, village)
    outsiders = [cadre(gated, other), gated.as_("county_officer", "440229"), gated.as_("township_officer", "440229100")]
    for h in outsiders:
        assert (await gated.client.get(f"{OV}/cases/{c['id']}", headers=h)).status_code == 404
        r = await gated.client.post(f"{OV}/cases/{c['id']}/investigate", json={}, headers=h)
        assert r.status_code == 404, r.text  # as if it did not exist
        listed = (await gated.client.get(f"{OV}/cases", headers=h)).json()["items"]
        assert c["id"] not in {x["id"] for x in listed}
        r = await gated.client.post(f"{OV}/cases", json=grievance(village), headers=h)
        assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    for h in (gated.as_("entity_operator", "e-1"), gated.as_("auditor")):
        assert (await gated.client.post(f"{OV}/cases/{c['id']}/investigate", json={}, headers=h)).status_code == 403
    # Inside the scope, the county officer handles it.
    r = await gated.client.post(f"{OV}/cases/{c['id']}/investigate", json={}, headers=gated.as_("county_officer", village[:6]))
    assert r.status_code == 200, r.text
    async with gated.context("oversight").sessionmaker() as session:
        assert (await session.execute(select(Case.status).where(Case.id == c["id"]))).scalar_one() == "investigating"


async def test_the_complainant_is_stored_encrypted_and_shown_masked_to_an_officer(gated):
    s = await shares(gated, units=(1,))
    notice = await notice_of(gated, (await approved(gated, s))["id"], status="open")
    receipt = await object_to(gated, notice["code"], name="林建国", phone="13700009999")
    assert set(receipt) == {"id", "status", "deadline", "notice_code"}
    async with gated.context("oversight").sessionmaker() as session:
        row = (await session.execute(select(Case).where(Case.id == receipt["id"]))).scalar_one()
    assert "13700009999" not in str(row.complainant_phone_ciphertext) and "林建国" not in str(row.complainant_name_ciphertext)
    officer = (await gated.client.get(f"{OV}/cases/{receipt['id']}", headers=gated.as_("county_officer", s["village"][:6]))).json()
    assert officer["complainant_name"] == "林*国" and officer["complainant_phone"] == "137****9999"
    own_cadre = (await gated.client.get(f"{OV}/cases/{receipt['id']}", headers=cadre(gated, s["village"]))).json()
    assert own_cadre["complainant_phone"] == "13700009999"  # the village cadre calls them back


async def test_counts_per_village_and_county_and_the_overdue_flagged(gated):
    county = "440282"  # 南雄市: no other test of this module files cases there
    a, b = village_code(county), village_code(county)
    await record(gated, a)
    await record(gated, a, deadline="2026-01-05")
    late = await record(gated, b, deadline="2026-01-05")
    officer = gated.as_("county_officer", county)
    summary = (await gated.client.get(f"{OV}/cases/summary", headers=officer)).json()
    [mine] = [c for c in summary["counties"] if c["code"] == county]
    assert mine["received"] == 3 and mine["overdue"] == 2
    villages = {v["code"]: v for v in summary["villages"]}
    assert villages[a]["received"] == 2 and villages[a]["overdue"] == 1 and villages[b]["overdue"] == 1
    assert late["id"] in {c["id"] for c in summary["overdue"]} and all(c["overdue"] for c in summary["overdue"])
    overdue = (await gated.client.get(f"{OV}/cases", params={"overdue": "true", "region": county}, headers=officer)).json()["items"]
    assert len(overdue) == 2 and all(c["overdue"] for c in overdue)
    # A cadre of village a counts only village a.
    only_a = (await gated.client.get(f"{OV}/cases/summary", headers=cadre(gated, a))).json()
    assert [v["code"] for v in only_a["villages"]] == [a]


async def test_an_official_records_a_paper_objection_against_an_open_notice_only_while_it_is_open(gated):
    s = await shares(gated, units=(1,))
    notice = await notice_of(gated, (await approved(gated, s))["id"], status="open")
    c = await record(gated, s["village"], notice_id=notice["id"], category="eligibility", complainant_phone="13500001234")
    assert c["kind"] == "objection" and c["concerns"]["distribution_id"] == notice["subject_id"]
    r = await gated.client.post(f"{OV}/cases", json=grievance(village_code(), notice_id=notice["id"]), headers=gated.admin)
    assert r.status_code == 422 and r.json()["field"] == "notice_id"  # another village's notice
    advance(gated, timedelta(days=8))
    r = await gated.client.post(f"{OV}/public/notices/{notice['code']}/objections", json={"category": "amount", "summary": "迟到的异议"})
    assert r.status_code == 409 and r.json()["code"] == "notice_not_open" and r.json()["field"] == "code"


async def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(gated):
    village = village_code()
    h = cadre(gated, village)
    cases = [
        (grievance(village, colour="red"), "colour"),
        (grievance(village, category="weather"), "category"),
        (grievance(village, summary=""), "summary"),
        (grievance(village, summary="x" * 2001), "summary"),
        (grievance(village, complainant_phone="call me"), "complainant_phone"),
        (grievance(village, event_ids=[f"e{i}" for i in range(21)]), "event_ids"),
        (grievance(village, concerns={"household": "h"}), "concerns.household"),
        (grievance("44023210"), "village_code"),
    ]
    for body, field in cases:
        r = await gated.client.post(f"{OV}/cases", json=body, headers=h)
        assert r.status_code == 422, (field, r.text)
        assert field in (r.json().get("field") or "") or any(field in (e.get("field") or "") for e in r.json().get("errors", [])), (field, r.json())
    listed = (await gated.client.get(f"{OV}/cases", params={"region": village}, headers=h)).json()["items"]
    assert listed == []

"""A poor household's registry entry or exit is posted on the village notice: informational, the change in force,
the window for objections; an upheld objection asks the registry for a correction, which supersedes the notice."""

from __future__ import annotations

from typing import Any

from tests.funds.support import make_village
from tests.helpers import eventually
from tests.oversight.support import OV, advance, back_to_now, cadre, decide, household, notices_about, object_to
from tests.oversight.test_release_gate import AFTER_THE_WINDOW


async def change_status(platform: Any, household_id: str, status: str, **body: Any) -> None:
    r = await platform.client.post(
        f"/households/v1/households/{household_id}/status",
        json={"poverty_status": status, "effective_on": "2026-11-30", "reason": "村民代表大会评议"} | body,
        headers=platform.admin,
    )
    assert r.status_code == 200, r.text


async def test_a_poor_households_entry_is_posted_in_force_at_once_with_its_masked_head_and_closes_without_objection(gated):
    village = await make_village(gated)
    hid, id_number = await household(gated, village, "欧阳秀英")  # returns once funds knows it: the entry is in force
    [notice] = await notices_about(gated, hid, kind="registry_entry")
    assert notice["status"] == "open" and notice["gated"] is False and notice["total_fen"] == 0 and notice["title"] == "贫困户识别公示"
    assert notice["status_zh"] == "公示中" and "登记变动已于登记时生效" in notice["window_note"]
    r = await gated.client.get(f"{OV}/public/notices/{notice['code']}/page")
    assert r.status_code == 200 and "欧**英" in r.text and "识别为建档立卡贫困户（2026-01-01 起）" in r.text
    assert "欧阳秀英" not in r.text and id_number not in r.text and "13812345678" not in r.text

    advance(gated, AFTER_THE_WINDOW)

    async def closed() -> None:
        [n] = await notices_about(gated, hid, kind="registry_entry")
        assert n["status"] == "released" and n["status_zh"] == "公示期满无异议"

    await eventually(closed)


async def test_an_upheld_objection_to_an_entry_waits_for_the_registrys_correction_which_supersedes_it_with_an_exit_notice(gated):
    village = await make_village(gated)
    hid, _ = await household(gated, village, "王芳")
    [entry] = await notices_about(gated, hid, kind="registry_entry")
    objection = await object_to(gated, entry["code"], category="eligibility", summary="该户有经营性收入，不符合识别标准")
    case = (await gated.client.get(f"{OV}/cases/{objection['id']}", headers=gated.admin)).json()
    assert case["concerns"] == {"household_id": hid}
    await decide(gated, objection["id"], "upheld", headers=cadre(gated, village, "c"))
    advance(gated, AFTER_THE_WINDOW)

    async def blocked() -> None:
        [n] = await notices_about(gated, hid, kind="registry_entry")
        assert n["status"] == "blocked" and n["status_zh"] == "异议成立，待登记更正"

    await eventually(blocked)
    back_to_now(gated)  # the correction's notice runs its own week from now
    await change_status(gated, hid, "not_poor", reason="经公示异议核实，不符合识别标准")
    [exit_notice] = await notices_about(gated, hid, kind="registry_exit")  # the correction's fact has reached oversight
    [corrected] = await notices_about(gated, hid, kind="registry_entry")
    assert corrected["status"] == "superseded" and "更正" in corrected["superseded_reason"]
    assert exit_notice["supersedes_notice_id"] == entry["id"] and exit_notice["status"] == "open"
    assert "不再认定为贫困户（2026-11-30 起）" in exit_notice["lines"][0]["note"]


async def test_an_exit_from_poverty_opens_an_exit_notice_and_a_rejected_objection_does_not_hold_it(gated):
    village = await make_village(gated)
    hid, _ = await household(gated, village, "林建国")
    await change_status(gated, hid, "exited", exit_year=2026)
    [exit_notice] = await notices_about(gated, hid, kind="registry_exit")
    assert exit_notice["title"] == "贫困户退出公示" and exit_notice["lines"][0]["note"] == "脱贫退出（2026 年度）（2026-11-30 起）"
    objection = await object_to(gated, exit_notice["code"], category="eligibility", summary="收入未达标")
    await decide(gated, objection["id"], "rejected")
    advance(gated, AFTER_THE_WINDOW)

    async def closed() -> None:
        [n] = await notices_about(gated, hid, kind="registry_exit")
        assert n["status"] == "released" and [o["status"] for o in n["objections"]] == ["rejected"]

    await eventually(closed)


async def test_with_a_window_of_zero_a_registry_notice_is_posted_for_information_and_takes_no_objection(platform):
    village = await make_village(platform)
    hid, _ = await household(platform, village, "林建国")
    [notice] = await notices_about(platform, hid, kind="registry_entry")
    assert notice["status"] == "posted" and "公示期为 0" in notice["window_note"]
    r = await platform.client.post(f"{OV}/public/notices/{notice['code']}/objections", json={"category": "eligibility", "summary": "有异议"})
    assert r.status_code == 409 and r.json()["code"] == "notice_not_open"

"""A subsidy split (R15) on the village notice: recorded and posted, its income fact only when the notice closes released."""

from __future__ import annotations

from tests.funds.support import V1, keyed, ledger_income
from tests.helpers import eventually
from tests.oversight.support import (
    OV,
    advance,
    back_to_now,
    cadre,
    decide,
    income_lines,
    notice_of,
    object_to,
    subsidy,
    transferred_land,
    withdrawn,
)
from tests.oversight.test_release_gate import AFTER_THE_WINDOW


async def test_r15_a_subsidy_split_is_posted_pays_nothing_while_open_and_reaches_the_ledger_when_the_notice_closes(gated):
    s = await transferred_land(gated, household_bp=7000)
    sub = await subsidy(gated, s, total_fen=10_001)
    assert sub["status"] == "approved" and sub["release"] == "held" and (sub["household_fen"], sub["entity_fen"]) == (7001, 3000)
    notice = await notice_of(gated, sub["id"], status="open")
    assert notice["kind"] == "subsidy" and notice["gated"] is True and notice["rule"] == "R15"
    assert notice["total_fen"] == 7001 and [line["amount_fen"] for line in notice["lines"]] == [7001]
    assert "经营主体分得 30.00 元" in notice["lines"][0]["note"] and notice["lineage"]["land_transfer_id"] == s["transfer"]
    assert await income_lines(gated, s["household"]) == []  # held: nothing booked while the notice is open

    advance(gated, AFTER_THE_WINDOW)
    await notice_of(gated, sub["id"], status="released")

    async def booked() -> None:
        assert (await ledger_income(gated, s["household"]))["by_type"]["policy_support"] == 7001

    await eventually(booked)
    [line] = await income_lines(gated, s["household"])
    assert line["benefit_type"] == "policy_support" and line["lineage"]["subsidy_id"] == sub["id"]
    assert (await gated.client.get(f"{V1}/subsidies/{sub['id']}", headers=gated.admin)).json()["release"] == "released"

    async def confirmed() -> None:  # funds' subsidy_paid reaches the notice
        assert (await notice_of(gated, sub["id"]))["released"] is True

    await eventually(confirmed)
    r = await gated.client.post(f"{V1}/subsidies/{sub['id']}/withdraw", json={"reason": "晚了"}, headers=keyed(gated.admin))
    assert r.status_code == 409 and r.json()["code"] == "not_held"  # paid: it is reversed, not withdrawn


async def test_r15_an_upheld_objection_blocks_a_subsidy_until_a_withdrawal_and_a_new_one_supersede_its_notice(gated):
    s = await transferred_land(gated, household_bp=7000)
    sub = await subsidy(gated, s)
    notice = await notice_of(gated, sub["id"], status="open")
    objection = await object_to(gated, notice["code"], category="amount", summary="流转合同约定农户得八成")
    case = (await gated.client.get(f"{OV}/cases/{objection['id']}", headers=gated.admin)).json()
    assert case["concerns"] == {"subsidy_id": sub["id"]}
    await decide(gated, objection["id"], "upheld", headers=cadre(gated, s["village"], "c"))
    advance(gated, AFTER_THE_WINDOW)
    await notice_of(gated, sub["id"], status="blocked")

    async def funds_blocked() -> None:
        assert (await gated.client.get(f"{V1}/subsidies/{sub['id']}", headers=gated.admin)).json()["release"] == "blocked"

    await eventually(funds_blocked)
    assert await income_lines(gated, s["household"]) == []

    await withdrawn(gated, "subsidies", sub["id"], "分成比例登记错误")
    back_to_now(gated)
    again = await subsidy(gated, s, total_fen=20_000)
    renewed = await notice_of(gated, again["id"], status="open")
    assert renewed["supersedes_notice_id"] == notice["id"]
    advance(gated, AFTER_THE_WINDOW)
    await notice_of(gated, again["id"], status="released")

    async def paid() -> None:
        assert [(line["lineage"]["subsidy_id"], line["amount_fen"]) for line in await income_lines(gated, s["household"])] == [(again["id"], 14_000)]

    await eventually(paid)


async def test_r15_with_a_window_of_zero_a_subsidy_is_paid_at_once_and_its_notice_is_posted_for_information(platform):
    s = await transferred_land(platform, household_bp=6000)
    sub = await subsidy(platform, s, total_fen=10_000)
    assert sub["release"] is None and sub["household_fen"] == 6000
    assert [line["amount_fen"] for line in await income_lines(platform, s["household"])] == [6000]
    notice = await notice_of(platform, sub["id"], status="posted")
    assert notice["kind"] == "subsidy" and notice["gated"] is False and "公示期为 0" in notice["window_note"]


async def test_r15_a_paid_subsidy_reversed_through_its_income_line_is_said_corrected_on_its_notice(platform):
    s = await transferred_land(platform)
    sub = await subsidy(platform, s)
    await notice_of(platform, sub["id"], status="posted")
    [line] = await income_lines(platform, s["household"])
    r = await platform.client.post(
        f"{V1}/income-lines/{line['id']}/reversals", json={"reason": "补贴重复发放"}, headers=keyed(cadre(platform, s["village"], "a"))
    )
    assert r.status_code == 201, r.text
    r = await platform.client.post(f"{V1}/reversals/{r.json()['id']}/approve", headers=keyed(platform.admin))
    assert r.status_code == 200, r.text

    async def said() -> None:
        notice = await notice_of(platform, sub["id"], status="posted")  # it was posted and paid: the status stays, the reason is added
        assert notice["superseded_reason"] == "补贴已冲正：补贴重复发放"

    await eventually(said)

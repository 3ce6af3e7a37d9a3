"""The release gate (issue #16): a distribution's money waits for its village notice (公示) to close with no upheld objection."""

from __future__ import annotations

from datetime import timedelta

from tests.funds.support import V1, keyed, ledger_income, post
from tests.helpers import eventually
from tests.oversight.conftest import WINDOW
from tests.oversight.support import OV, advance, approved, back_to_now, cadre, decide, income_lines, notice_of, object_to, shares, withdrawn

AFTER_THE_WINDOW = WINDOW + timedelta(seconds=1)


async def test_a_distribution_approved_opens_a_notice_pays_nothing_while_open_and_reaches_the_ledger_when_it_closes(gated):
    s = await shares(gated, units=(1, 2))
    d = await approved(gated, s)
    assert d["status"] == "approved" and d["release"] == "held"
    notice = await notice_of(gated, d["id"], status="open")
    assert notice["gated"] is True and notice["window_seconds"] == int(WINDOW.total_seconds())
    assert notice["rule"] == "R9" and notice["total_fen"] == 180_000 and notice["household_count"] == 2
    assert sorted(line["amount_fen"] for line in notice["lines"]) == [60_000, 120_000]
    assert notice["lineage"]["allocation_id"] == s["allocation"] and notice["lineage"]["project_id"] == s["project"]
    # While the notice is open nothing is paid: funds booked no line, the ledger has no dividend.
    first, second = s["households"]
    assert await income_lines(gated, first) == [] and await income_lines(gated, second) == []
    assert (await ledger_income(gated, second))["by_type"].get("equity_dividend", 0) == 0

    advance(gated, AFTER_THE_WINDOW)
    closed = await notice_of(gated, d["id"], status="released")
    assert closed["closed_at"] is not None

    async def booked() -> None:
        a, b = await ledger_income(gated, first), await ledger_income(gated, second)
        assert a["by_type"]["equity_dividend"] == 60_000 and b["by_type"]["equity_dividend"] == 120_000

    await eventually(booked)
    lines = await income_lines(gated, second)
    assert len(lines) == 1 and lines[0]["lineage"]["distribution_id"] == d["id"]
    distribution = (await gated.client.get(f"{V1}/distributions/{d['id']}", headers=gated.admin)).json()
    assert distribution["release"] == "released"

    async def confirmed() -> None:  # funds' distribution_released reaches the notice
        assert (await notice_of(gated, d["id"]))["released"] is True

    await eventually(confirmed)


async def test_an_upheld_objection_blocks_the_release_until_a_withdrawal_and_a_new_proposal_supersede_the_notice(gated):
    s = await shares(gated, units=(1, 1))
    d = await approved(gated, s)
    notice = await notice_of(gated, d["id"], status="open")
    objection = await object_to(gated, notice["code"], category="share", summary="我家入股两股，公示只有一股", phone="13900001111")
    decided = await decide(gated, objection["id"], "upheld", headers=cadre(gated, s["village"], "c"))
    assert decided["status"] == "upheld" and decided["kind"] == "objection"

    advance(gated, AFTER_THE_WINDOW)
    blocked = await notice_of(gated, d["id"], status="blocked")
    assert [o["status"] for o in blocked["objections"]] == ["upheld"] and blocked["objections"][0]["resolution_reason"]

    async def funds_blocked() -> None:
        r = await gated.client.get(f"{V1}/distributions/{d['id']}", headers=gated.admin)
        assert r.json()["release"] == "blocked"

    await eventually(funds_blocked)
    assert await income_lines(gated, s["households"][0]) == []  # blocked: still nothing paid

    # The correction: the held distribution is withdrawn (the money never went), the notice is superseded …
    await withdrawn(gated, "distributions", d["id"], "股数登记错误，更正后重报")

    # … and a new proposal for the same period gets a notice of its own, which names the one it supersedes.
    back_to_now(gated)
    again = await approved(gated, s, total_fen=400_000)
    renewed = await notice_of(gated, again["id"], status="open")
    assert renewed["supersedes_notice_id"] == notice["id"] and renewed["code"] != notice["code"]
    advance(gated, AFTER_THE_WINDOW)
    await notice_of(gated, again["id"], status="released")

    async def paid() -> None:
        lines = await income_lines(gated, s["households"][0])
        assert [line["lineage"]["distribution_id"] for line in lines] == [again["id"]]
        assert lines[0]["amount_fen"] == 120_000

    await eventually(paid)


async def test_a_rejected_objection_does_not_block_the_release(gated):
    s = await shares(gated, units=(3,))
    d = await approved(gated, s)
    notice = await notice_of(gated, d["id"], status="open")
    objection = await object_to(gated, notice["code"], category="amount")
    await decide(gated, objection["id"], "rejected")
    advance(gated, AFTER_THE_WINDOW)
    closed = await notice_of(gated, d["id"], status="released")
    assert [o["status"] for o in closed["objections"]] == ["rejected"]

    async def paid() -> None:
        assert [line["amount_fen"] for line in await income_lines(gated, s["households"][0])] == [180_000]

    await eventually(paid)


async def test_an_undecided_objection_holds_the_notice_past_its_window_until_it_is_decided(gated):
    s = await shares(gated, units=(1,))
    d = await approved(gated, s)
    notice = await notice_of(gated, d["id"], status="open")
    objection = await object_to(gated, notice["code"])
    advance(gated, AFTER_THE_WINDOW)
    # The window is over but the objection is not decided: the notice stays open and nothing is paid.
    r = await gated.client.post(f"{OV}/cases/{objection['id']}/investigate", json={}, headers=gated.admin)
    assert r.status_code == 200, r.text
    assert (await notice_of(gated, d["id"]))["status"] == "open"
    assert await income_lines(gated, s["households"][0]) == []
    r = await gated.client.post(f"{OV}/cases/{objection['id']}/resolve", json={"outcome": "rejected", "reason": "份额无误"}, headers=gated.admin)
    assert r.status_code == 200, r.text
    await notice_of(gated, d["id"], status="released")  # closed by the decision itself

    async def paid() -> None:
        assert len(await income_lines(gated, s["households"][0])) == 1

    await eventually(paid)


async def test_a_reversal_of_a_held_distribution_supersedes_its_notice_and_pays_nothing(gated):
    s = await shares(gated, units=(1,))
    d = await approved(gated, s)
    await notice_of(gated, d["id"], status="open")
    reversal = await post(gated, f"/distributions/{d['id']}/reversals", {"reason": "利润数字有误"}, headers=cadre(gated, s["village"], "a"))
    r = await gated.client.post(f"{V1}/reversals/{reversal['id']}/approve", headers=keyed(gated.admin))
    assert r.status_code == 200, r.text
    superseded = await notice_of(gated, d["id"], status="superseded")
    assert "冲正" in superseded["superseded_reason"]
    advance(gated, AFTER_THE_WINDOW)
    distribution = (await gated.client.get(f"{V1}/distributions/{d['id']}", headers=gated.admin)).json()
    assert distribution["status"] == "reversed" and distribution["release"] == "cancelled"
    assert await income_lines(gated, s["households"][0]) == []


async def test_with_a_window_of_zero_the_money_goes_at_approval_and_the_notice_says_the_gate_is_off(platform):
    s = await shares(platform, units=(1,))
    d = await approved(platform, s)
    assert d["release"] is None
    assert len(await income_lines(platform, s["households"][0])) == 1  # paid in the approval's own transaction
    notice = await notice_of(platform, d["id"], status="posted")
    assert notice["gated"] is False and notice["window_seconds"] == 0 and "公示期为 0" in notice["window_note"]
    r = await platform.client.post(f"{OV}/public/notices/{notice['code']}/objections", json={"category": "amount", "summary": "有异议"})
    assert r.status_code == 409 and r.json()["code"] == "notice_not_open"

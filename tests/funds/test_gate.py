"""The village notice's hold on money (services/funds/distributions/gate.py), pure: its states and the payment check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from services.funds.distributions import gate
from shared.errors import Conflict


@dataclass
class Row:
    id: str = "d1"
    status: str = "approved"
    release: str | None = gate.HELD
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None


def test_a_window_holds_the_money_and_a_window_of_zero_pays_at_once():
    assert gate.hold(timedelta(days=7)) == "held" and gate.hold(timedelta(0)) is None


@pytest.mark.parametrize(("release", "code"), [("held", "notice_not_released"), ("blocked", "notice_not_released"), ("cancelled", "notice_superseded")])
def test_a_payment_request_is_refused_until_the_notice_released_the_money(release, code):
    with pytest.raises(Conflict) as refused:
        gate.ensure_released(Row(release=release), what="分配", field="distribution_id")
    body = refused.value.body("en")
    assert body["status"] == 409 and body["code"] == code and body["rule"] == "公示" and body["field"] == "distribution_id"


@pytest.mark.parametrize("release", ["released", None])
def test_money_released_by_its_notice_or_paid_without_one_is_payable(release):
    gate.ensure_released(Row(release=release), what="分配", field="distribution_id")


def test_a_withdrawal_while_held_cancels_the_money_and_keeps_who_and_why():
    row = Row(release=gate.BLOCKED)
    assert gate.waiting(row)
    gate.withdraw(row, by="cadre-1", reason="股数登记错误")
    assert (row.status, row.release, row.withdrawn_by, row.withdrawal_reason) == ("withdrawn", "cancelled", "cadre-1", "股数登记错误")
    assert not gate.waiting(row)
    with pytest.raises(Conflict):
        gate.ensure_released(row, what="分配", field="distribution_id")

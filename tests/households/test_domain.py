"""The household rules as pure functions (no I/O): R13 employment and wages, status lifecycle, history."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from policy.employment import Hire, r13_poor_first
from services.households import domain
from shared.errors import enforce
from shared.problems import InvalidInput, RuleViolation

TODAY = date(2026, 11, 28)


def _wage(**kw):
    args = {"amount_fen": 1000, "period_start": date(2026, 3, 1), "period_end": date(2026, 3, 31), "paid_on": date(2026, 4, 5),
            "started_on": date(2026, 3, 1), "ended_on": None, "today": TODAY}  # fmt: skip
    args.update(kw)
    domain.check_wage(**args)


def test_r13_wage_accepts_a_positive_integer_inside_the_employment():
    _wage()
    _wage(ended_on=date(2026, 3, 31))


@pytest.mark.parametrize("amount", [0, -1, 12.5, True])
def test_r13_wage_rejects_non_positive_or_non_integer_fen(amount):
    with pytest.raises(InvalidInput) as err:
        _wage(amount_fen=amount)
    assert err.value.field == "amount_fen"


def test_r13_wage_period_must_lie_inside_the_employment():
    with pytest.raises(RuleViolation) as err:
        _wage(period_start=date(2026, 2, 28))
    assert err.value.rule == "R13" and err.value.field == "period_start"
    with pytest.raises(RuleViolation) as err:
        _wage(ended_on=date(2026, 3, 15))
    assert err.value.rule == "R13" and err.value.field == "period_end"
    with pytest.raises(InvalidInput):
        _wage(period_end=date(2026, 2, 1), period_start=date(2026, 3, 1))


def test_r13_employment_starts_while_the_worker_is_a_member():
    enforce(r13_poor_first(hire=Hire(date(2026, 3, 1), date(2026, 1, 1), None, None)))
    with pytest.raises(RuleViolation) as err:
        enforce(r13_poor_first(hire=Hire(date(2026, 3, 1), date(2026, 1, 1), date(2026, 3, 1), None)))
    assert err.value.rule == "R13"
    with pytest.raises(RuleViolation):
        enforce(r13_poor_first(hire=Hire(date(2026, 3, 1), date(2026, 1, 1), None, date(2026, 2, 1))))


def test_status_lifecycle_exit_needs_year_and_return_only_after_exit():
    ok = {"effective_on": date(2026, 6, 1), "last_effective_on": date(2026, 1, 1), "today": TODAY}
    domain.check_status_transition("registered_poor", "exited", exit_year=2026, **ok)
    domain.check_status_transition("exited", "returned_to_poverty", exit_year=None, **ok)
    with pytest.raises(InvalidInput) as err:
        domain.check_status_transition("registered_poor", "exited", exit_year=None, **ok)
    assert err.value.field == "exit_year"
    with pytest.raises(InvalidInput):
        domain.check_status_transition("registered_poor", "returned_to_poverty", exit_year=None, **ok)
    with pytest.raises(InvalidInput):
        domain.check_status_transition("registered_poor", "exited", exit_year=2027, **ok)


def test_size_and_labour_count_follow_joined_and_left_dates():
    members = [
        SimpleNamespace(labour_capacity="full", joined_on=date(2026, 1, 1), left_on=None),
        SimpleNamespace(labour_capacity="partial", joined_on=date(2026, 1, 1), left_on=date(2026, 6, 1)),
        SimpleNamespace(labour_capacity="none", joined_on=date(2026, 3, 1), left_on=None),
    ]
    assert domain.household_size_on(members, date(2026, 2, 1)) == 2
    assert domain.household_size_on(members, date(2026, 5, 31)) == 3
    assert domain.household_size_on(members, date(2026, 6, 1)) == 2
    assert domain.labour_count_on(members, date(2026, 5, 31)) == 2
    assert domain.labour_count_on(members, date(2026, 6, 1)) == 1


def test_capacity_and_status_as_of_a_day_come_from_history():
    history = [(date(2026, 1, 1), "full"), (date(2026, 4, 1), "none")]
    assert domain.capacity_on(history, date(2026, 3, 31), "full") == "full"
    assert domain.capacity_on(history, date(2026, 4, 1), "full") == "none"
    statuses = [(date(2025, 1, 1), "registered_poor", None), (date(2025, 12, 1), "exited", 2025)]
    assert domain.status_on(statuses, date(2024, 1, 1)) is None
    assert domain.status_on(statuses, date(2026, 1, 1)) == ("exited", 2025)


def test_relatively_poor_village_pairing_and_helpers():
    domain.check_village_pairing(["province_poor"], None)
    with pytest.raises(InvalidInput):
        domain.check_village_pairing(["relatively_poor_dongguan"], " ")
    with pytest.raises(InvalidInput):
        domain.check_village_pairing(["relatively_poor_dongguan", "relatively_poor_shaoguan"], "某单位")
    domain.check_village_helpers([{"role": "technical_cadre", "department": "photovoltaic"}])
    with pytest.raises(InvalidInput):
        domain.check_village_helpers([{"role": "technical_cadre", "department": "mining"}])

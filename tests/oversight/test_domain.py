"""The notice's rules, pure: masking, the verdict at the window's end, the workflow, codes, the public allowance."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.oversight import domain
from services.oversight.cases.limits import Allowance
from services.oversight.clock import Clock
from shared.errors import Conflict, TooManyRequests
from shared.pii import mask_name

T0 = datetime(2026, 12, 20, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("name", "posted"), [("林建国", "林*国"), ("林国", "林*"), ("欧阳秀英", "欧**英"), ("林", "林"), (" 王芳 ", "王*")])
def test_names_are_masked_as_villages_post_them(name, posted):
    assert mask_name(name) == posted


def test_a_notice_closes_only_when_its_window_is_over_and_every_objection_is_decided():
    closes = T0 + timedelta(days=7)
    assert not domain.notice_verdict(now=closes - timedelta(seconds=1), closes_at=closes, objections=[]).closes
    assert domain.notice_verdict(now=closes, closes_at=closes, objections=[]) == domain.Verdict(True, "released", ())
    pending = [domain.CaseState("a", "investigating")]
    assert not domain.notice_verdict(now=closes + timedelta(days=30), closes_at=closes, objections=pending).closes
    decided = [domain.CaseState("b", "upheld"), domain.CaseState("a", "rejected"), domain.CaseState("c", "upheld")]
    assert domain.notice_verdict(now=closes, closes_at=closes, objections=decided) == domain.Verdict(True, "blocked", ("b", "c"))


def test_the_workflow_goes_received_investigating_then_upheld_or_rejected():
    domain.check_transition("received", "investigating")
    domain.check_transition("investigating", "upheld")
    domain.check_transition("investigating", "rejected")
    for current, target in [("received", "upheld"), ("upheld", "investigating"), ("rejected", "upheld"), ("investigating", "received")]:
        with pytest.raises(Conflict):
            domain.check_transition(current, target)


def test_overdue_is_an_undecided_case_past_its_deadline():
    today = date(2026, 12, 20)
    assert domain.is_overdue(status="received", deadline=date(2026, 12, 19), today=today)
    assert not domain.is_overdue(status="received", deadline=today, today=today)
    assert not domain.is_overdue(status="upheld", deadline=date(2026, 1, 1), today=today)


def test_a_verification_code_reads_back_however_it_is_typed():
    code = domain.verification_code()
    assert len(code) == 8 and set(code) <= set(domain.CODE_ALPHABET)
    shown = domain.display_code(code)
    assert domain.normalise_code(shown.lower()) == code
    assert domain.normalise_code("k7q2-m9xo") == "K7Q2M9X0" and domain.normalise_code("ILIL 0000") == "11110000"


def test_a_window_of_zero_switches_the_gate_off():
    assert domain.is_gated(timedelta(days=7)) and domain.is_gated(timedelta(minutes=5))
    assert not domain.is_gated(timedelta(0))


def test_the_digest_is_of_the_canonical_posting():
    assert domain.digest({"b": 1, "a": "林*国"}) == domain.digest({"a": "林*国", "b": 1})
    assert domain.digest({"a": 1}) != domain.digest({"a": 2})


def test_the_public_allowance_refuses_past_its_hour_with_retry_after():
    allowance = Allowance(per_hour=2)
    allowance.take("1.2.3.4", now=0.0)
    allowance.take("1.2.3.4", now=10.0)
    allowance.take("5.6.7.8", now=10.0)
    with pytest.raises(TooManyRequests) as refused:
        allowance.take("1.2.3.4", now=20.0)
    assert refused.value.status == 429 and int(refused.value.headers["Retry-After"]) == 3581
    allowance.take("1.2.3.4", now=3600.5)  # the first request has left the hour
    Allowance(per_hour=0).take("any")  # 0: no limit


def test_the_clock_moves_forward_only_and_resets_to_the_wall_clock():
    clock = Clock()
    before = clock.now()
    clock.advance(timedelta(days=7))
    assert clock.now() - before >= timedelta(days=7)
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    clock.reset()
    assert clock.now() - before < timedelta(days=1)

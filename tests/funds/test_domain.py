"""The funds rules as pure functions: each names its rule and the numbers that broke it."""

from __future__ import annotations

import pytest

from services.funds import domain
from shared.problems import RuleViolation


def _rule(exc: pytest.ExceptionInfo[RuleViolation]) -> str:
    return exc.value.rule  # type: ignore[return-value]


def test_r1_allows_exactly_40_percent_of_the_base_for_other_purposes():
    domain.check_r1_industry_share(received_fen=1_000, education_fen=100, medical_fen=100, other_fen=320)
    with pytest.raises(RuleViolation) as exc:
        domain.check_r1_industry_share(received_fen=1_000, education_fen=100, medical_fen=100, other_fen=321)
    assert _rule(exc) == "R1" and exc.value.extra["max_other_fen"] == 320


def test_r1_rounds_the_industry_floor_up_so_it_is_never_missed():
    # base 1,001 fen: industry needs ≥ 600.6, i.e. 601 fen, so other may take 400, not 401.
    domain.check_r1_industry_share(received_fen=1_001, education_fen=0, medical_fen=0, other_fen=400)
    with pytest.raises(RuleViolation):
        domain.check_r1_industry_share(received_fen=1_001, education_fen=0, medical_fen=0, other_fen=401)


def test_r2_only_the_special_fund_is_barred_from_platform_companies():
    with pytest.raises(RuleViolation) as exc:
        domain.check_r2_no_platform_company(fund_kind="provincial_special", recipient_kind="government_platform_company")
    assert _rule(exc) == "R2"
    domain.check_r2_no_platform_company(fund_kind="other_assistance", recipient_kind="government_platform_company")


@pytest.mark.parametrize(
    ("agreed", "guidance", "asset", "bp", "rule"),
    [(None, False, False, 5000, "R9"), (7000, False, False, 7000, "R9"), (5000, True, False, 6000, "R3"), (8000, True, False, 8000, "R9"), (None, False, True, 5000, "R10"), (None, True, True, 6000, "R3")],
)
def test_r3_r9_r10_poor_share_floor(agreed, guidance, asset, bp, rule):
    floor = domain.poor_share_floor(agreed_bp=agreed, guidance_fund=guidance, asset=asset)
    assert (floor.bp, floor.rule) == (bp, rule)


def test_r9_agreement_share_below_half_is_refused():
    domain.check_r9_agreement_poor_share(5000)
    with pytest.raises(RuleViolation) as exc:
        domain.check_r9_agreement_poor_share(4999)
    assert _rule(exc) == "R9"


def test_r11_own_use_needs_no_entity_but_entrusted_needs_responsibility_and_return():
    domain.check_r11_entrusted_loan(use="household_use", entity_id=None, poverty_responsibility=None, guaranteed_return_fen_per_year=None)
    with pytest.raises(RuleViolation) as exc:
        domain.check_r11_entrusted_loan(use="entrusted", entity_id="e", poverty_responsibility="带贫", guaranteed_return_fen_per_year=0)
    assert _rule(exc) == "R11"


def test_r14_both_disaster_terms_are_needed():
    domain.check_r14_disaster_terms(prevention="保险", handling="企业承担")
    with pytest.raises(RuleViolation) as exc:
        domain.check_r14_disaster_terms(prevention="保险", handling=None)
    assert _rule(exc) == "R14" and exc.value.extra["missing"] == ["handling"]


def test_r15_household_part_rounds_up_and_parts_sum_to_the_total():
    assert domain.split_policy_income(10_001, 7000) == (7_001, 3_000)
    with pytest.raises(RuleViolation):
        domain.check_r15_policy_income_ratio(None)


def test_r10_requests_beyond_the_allocation_are_refused():
    domain.check_r10_within_allocation(allocated_fen=100, requested_fen=60, amount_fen=40)
    with pytest.raises(RuleViolation) as exc:
        domain.check_r10_within_allocation(allocated_fen=100, requested_fen=60, amount_fen=41)
    assert _rule(exc) == "R10"


def test_r17_split_needs_explicit_shares():
    with pytest.raises(RuleViolation) as exc:
        domain.split_among_households(100, {})
    assert _rule(exc) == "R17"
    assert domain.split_among_households(100, {"b": 1, "a": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}

"""The funds rules as pure functions: each names its rule and the numbers that broke it."""

from __future__ import annotations

from datetime import date

import pytest

from policy.funds import r1_industry_share, r9_three_rights, r10_assets, r11_microcredit, r14_lease_back, r15_policy_income, r16_land_rent
from policy.verdicts import Term, YearlyCap
from services.funds import domain
from shared.errors import enforce
from shared.problems import Conflict, RuleViolation


def _rule(exc: pytest.ExceptionInfo[RuleViolation]) -> str:
    return exc.value.rule  # type: ignore[return-value]


def test_r1_allows_exactly_40_percent_of_the_base_for_other_purposes():
    enforce(r1_industry_share(received_fen=1_000, education_fen=100, medical_fen=100, other_fen=320))
    with pytest.raises(RuleViolation) as exc:
        enforce(r1_industry_share(received_fen=1_000, education_fen=100, medical_fen=100, other_fen=321))
    assert _rule(exc) == "R1" and exc.value.extra["max_other_fen"] == 320


def test_r1_rounds_the_industry_floor_up_so_it_is_never_missed():
    # base 1,001 fen: industry needs ≥ 600.6, i.e. 601 fen, so other may take 400, not 401.
    enforce(r1_industry_share(received_fen=1_001, education_fen=0, medical_fen=0, other_fen=400))
    with pytest.raises(RuleViolation):
        enforce(r1_industry_share(received_fen=1_001, education_fen=0, medical_fen=0, other_fen=401))


def test_r2_only_the_special_fund_is_barred_from_platform_companies():
    with pytest.raises(RuleViolation) as exc:
        domain.check_r2_no_platform_company(fund_kind="provincial_special", recipient_kind="government_platform_company")
    assert _rule(exc) == "R2"
    domain.check_r2_no_platform_company(fund_kind="other_assistance", recipient_kind="government_platform_company")


@pytest.mark.parametrize(
    ("agreed", "guidance", "asset", "bp", "rule"),
    [
        (None, False, False, 5000, "R9"),
        (7000, False, False, 7000, "R9"),
        (5000, True, False, 6000, "R3"),
        (8000, True, False, 8000, "R9"),
        (None, False, True, 5000, "R10"),
        (None, True, True, 6000, "R3"),
    ],
)
def test_r3_r9_r10_poor_share_floor(agreed, guidance, asset, bp, rule):
    floor = domain.poor_share_floor(agreed_bp=agreed, guidance_fund=guidance, asset=asset)
    assert (floor.bp, floor.rule) == (bp, rule)


def test_r9_agreement_share_below_half_is_refused():
    enforce(r9_three_rights(agreement_poor_share_bp=5000))
    with pytest.raises(RuleViolation) as exc:
        enforce(r9_three_rights(agreement_poor_share_bp=4999))
    assert _rule(exc) == "R9"


def test_r11_own_use_needs_no_entity_but_entrusted_needs_responsibility_and_return():
    enforce(r11_microcredit(use="household_use", entity_id=None, responsibility_stated=False, guaranteed_return_fen_per_year=None))
    with pytest.raises(RuleViolation) as exc:
        enforce(r11_microcredit(use="entrusted", entity_id="e", responsibility_stated=True, guaranteed_return_fen_per_year=0))
    assert _rule(exc) == "R11"


def test_r14_both_disaster_terms_are_needed():
    enforce(r14_lease_back(prevention_stated=True, handling_stated=True))
    with pytest.raises(RuleViolation) as exc:
        enforce(r14_lease_back(prevention_stated=True, handling_stated=False))
    assert _rule(exc) == "R14" and exc.value.extra["missing"] == ["handling"]


def test_r15_household_part_rounds_up_and_parts_sum_to_the_total():
    assert domain.split_policy_income(10_001, 7000) == (7_001, 3_000)
    with pytest.raises(RuleViolation):
        enforce(r15_policy_income(household_bp=None))


def test_r10_requests_beyond_the_allocation_are_refused():
    enforce(r10_assets(payment=YearlyCap(100, 60, 40, 2026)))
    with pytest.raises(RuleViolation) as exc:
        enforce(r10_assets(payment=YearlyCap(100, 60, 41, 2026)))
    assert _rule(exc) == "R10"


def test_r17_split_needs_explicit_shares():
    with pytest.raises(RuleViolation) as exc:
        domain.split_among_households(100, {})
    assert _rule(exc) == "R17"
    assert domain.split_among_households(100, {"b": 1, "a": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}


# ---- periods and payouts against agreements (issue #11) ----------------------------------------------


@pytest.mark.parametrize(
    "label, start, end",
    [
        ("2018", date(2018, 1, 1), date(2018, 12, 31)),
        ("2018-H1", date(2018, 1, 1), date(2018, 6, 30)),
        ("2018-H2", date(2018, 7, 1), date(2018, 12, 31)),
        ("2018-Q3", date(2018, 7, 1), date(2018, 9, 30)),
        ("2018-06", date(2018, 6, 1), date(2018, 6, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_a_period_label_is_a_date_range_and_the_range_labels_back(label, start, end):
    assert domain.period_range(label) == (start, end)
    assert domain.period_label(start, end) == label


@pytest.mark.parametrize("label", ["2018-13", "2018-00", "2018-H3", "18", "2018-Q5", "0000"])
def test_a_period_label_that_names_no_range_is_refused(label):
    with pytest.raises(ValueError):
        domain.period_range(label)


def test_r9_a_year_overlapping_both_halves_names_the_first_distribution_already_there():
    h1 = domain.PaidPeriod("d-h1", "2018-H1", *domain.period_range("2018-H1"))
    h2 = domain.PaidPeriod("d-h2", "2018-H2", *domain.period_range("2018-H2"))
    with pytest.raises(Conflict) as exc:
        domain.check_periods_do_not_overlap(start=date(2018, 1, 1), end=date(2018, 12, 31), standing=[h2, h1])
    assert exc.value.extra["existing_distribution_id"] == "d-h1" and exc.value.code == "period_already_distributed"
    domain.check_periods_do_not_overlap(start=date(2019, 1, 1), end=date(2019, 12, 31), standing=[h1, h2])  # adjacent: fine


def test_a_payment_period_that_is_no_label_counts_for_the_year_it_was_paid():
    assert domain.payment_period("2026年度租金", date(2027, 1, 5)) == (date(2027, 1, 1), date(2027, 12, 31))
    assert domain.payment_period("2026", date(2027, 1, 5)) == (date(2026, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    "check, rule",
    [
        (lambda cap: r16_land_rent(rent=cap), "R16"),
        (lambda cap: r11_microcredit(returns=cap), "R11"),
        (lambda cap: r14_lease_back(income=cap), "R14"),
    ],
)
def test_r16_r11_r14_a_years_payments_reach_the_agreed_amount_and_not_one_fen_more(check, rule):
    enforce(check(YearlyCap(agreed_fen=1_000, already_paid_fen=600, requested_fen=400, year=2026)))
    with pytest.raises(RuleViolation) as exc:
        enforce(check(YearlyCap(agreed_fen=1_000, already_paid_fen=600, requested_fen=401, year=2026)))
    assert _rule(exc) == rule
    assert {k: exc.value.extra[k] for k in ("agreed_fen", "already_paid_fen", "requested_fen", "left_fen", "year")} == {
        "agreed_fen": 1_000,
        "already_paid_fen": 600,
        "requested_fen": 401,
        "left_fen": 400,
        "year": 2026,
    }


def test_r10_income_of_a_leased_asset_stays_within_its_annual_fee():
    enforce(r10_assets(handover_mode="lease", fee=YearlyCap(500, 0, 500, 2026)))
    with pytest.raises(RuleViolation) as exc:
        enforce(r10_assets(handover_mode="lease", fee=YearlyCap(500, 1, 500, 2026)))
    assert _rule(exc) == "R10" and exc.value.field == "total_fen" and exc.value.extra["handover_mode"] == "lease"


def test_r14_and_r16_a_period_outside_the_agreements_term_is_refused():
    term = Term(date(2026, 3, 1), date(2028, 2, 29))
    enforce(r14_lease_back(term=term, period=Term(date(2026, 1, 1), date(2026, 12, 31))))  # overlaps the term
    with pytest.raises(RuleViolation) as exc:
        enforce(r14_lease_back(term=term, period=Term(date(2028, 3, 1), date(2028, 3, 31))))
    assert _rule(exc) == "R14" and exc.value.field == "period"
    with pytest.raises(RuleViolation) as exc:
        enforce(r16_land_rent(term=Term(date(2026, 3, 1), date(2036, 2, 28)), period=Term(date(2025, 1, 1), date(2025, 12, 31))))
    assert _rule(exc) == "R16"

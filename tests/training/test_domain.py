"""The R7 and R8 rule functions on their own (pure; the HTTP tests cover the same edges end to end)."""

from __future__ import annotations

from datetime import date

import pytest

from policy.training import r8_course
from services.training.domain import CompletedSession, r7_compliance, r7_session_counts
from shared.errors import enforce
from shared.problems import RuleViolation


def two(year: int, days: int = 5) -> list[CompletedSession]:
    return [CompletedSession(year, days), CompletedSession(year, days)]


def test_r7_session_counts_from_five_attended_days():
    assert [r7_session_counts(d) for d in (0, 4, 5, 6)] == [False, False, True, True]


def test_r7_without_any_training_the_year_is_behind_and_needs_everything():
    [st] = r7_compliance(sessions=[], skills_certified_on=[], through_year=2026)
    assert (st.year, st.status, st.sessions_needed, st.days_needed, st.skill_needed, st.years_remaining) == (2026, "behind", 2, 10, True, 3)


def test_r7_four_day_sessions_never_make_a_year():
    statuses = r7_compliance(sessions=two(2024, 4) + two(2025, 4), skills_certified_on=[date(2024, 1, 1)], through_year=2025)
    assert [s.status for s in statuses] == ["behind", "behind"]
    assert [s.counted_sessions for s in statuses] == [0, 0]


def test_r7_three_years_with_a_skill_are_compliant_and_a_fourth_keeps_it():
    statuses = r7_compliance(sessions=two(2022) + two(2023) + two(2024) + two(2025), skills_certified_on=[date(2022, 9, 1)], through_year=2025)
    assert [(s.year, s.status, s.consecutive_years) for s in statuses] == [
        (2022, "on_track", 1),
        (2023, "on_track", 2),
        (2024, "compliant", 3),
        (2025, "compliant", 4),
    ]


def test_r7_a_gap_year_restarts_the_run():
    statuses = r7_compliance(
        sessions=two(2022) + two(2023) + [CompletedSession(2024, 9)] + two(2025), skills_certified_on=[date(2022, 9, 1)], through_year=2025
    )
    assert [(s.status, s.consecutive_years, s.years_remaining) for s in statuses] == [
        ("on_track", 1, 2),
        ("on_track", 2, 1),
        ("behind", 0, 1),
        ("on_track", 1, 2),
    ]


def test_r7_the_skill_counts_from_the_year_it_is_certified():
    statuses = r7_compliance(sessions=two(2023) + two(2024) + two(2025) + two(2026), skills_certified_on=[date(2026, 3, 1)], through_year=2026)
    assert [(s.year, s.status) for s in statuses] == [(2023, "on_track"), (2024, "on_track"), (2025, "behind"), (2026, "compliant")]


def test_r8_course_and_venue_rules_name_r8():
    enforce(r8_course(category="agricultural_technique", industry="sericulture"))
    enforce(r8_course(category="employment_skills", industry="e_commerce", venue_kind="ecommerce_platform"))
    with pytest.raises(RuleViolation) as course:
        enforce(r8_course(category="agricultural_technique", industry="e_commerce"))
    with pytest.raises(RuleViolation) as venue:
        enforce(r8_course(category="employment_skills", industry="e_commerce", venue_kind="employment_base"))
    assert course.value.rule == venue.value.rule == "R8"
    assert (course.value.field, venue.value.field) == ("industry", "venue_kind")

"""R7 (§3.2), the training file's requirement, and R8 (§3.3), the catalogue, each judged once for training and the ledger.

每人每年至少培训两次，每次不少于5天，连续三年，熟练掌握一门以上实用技术 — as implemented
(see ``docs/training.md``):

* a completed session *counts* when the labourer attended it on ≥5 days (``session_counts``);
* a calendar year is *met* when ≥2 counted sessions ended in it;
* the *run* at year Y is the number of consecutive met years ending at Y (0 when Y is not met),
  so a gap year resets it;
* status of year Y: ``compliant`` when the run is ≥3 and a skill was certified on or before
  31 December of Y; ``on_track`` when Y is met but the run is still shorter than three years;
  ``behind`` otherwise — Y is not (yet) met, or three years are done but no skill is certified.

The numbers come from ``Thresholds`` (``policy.settings.thresholds()`` for the ones in force).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from policy.thresholds import DEFAULTS, Thresholds
from policy.verdicts import Breach, Outcome, outcome
from shared.regions import INDUSTRIES

Status = Literal["compliant", "on_track", "behind"]


@dataclass(frozen=True)
class CompletedSession:
    year: int
    days_attended: int


@dataclass(frozen=True)
class YearStatus:
    """A labourer's R7 standing for one calendar year and what is still needed in it."""

    year: int
    status: Status
    counted_sessions: int
    consecutive_years: int
    has_skill: bool
    sessions_needed: int
    days_needed: int
    skill_needed: bool
    years_remaining: int


def session_counts(days_attended: int, t: Thresholds = DEFAULTS) -> bool:
    """R7: a session counts towards the year only when attended on at least five days."""
    return days_attended >= t.r7_days_per_session


def r7_compliance(
    *,
    sessions: Iterable[CompletedSession],
    skills_certified_on: Iterable[date],
    through_year: int,
    from_year: int | None = None,
    t: Thresholds = DEFAULTS,
) -> list[YearStatus]:
    """R7: the labourer's status for every year from the first training (or an earlier ``from_year``) to ``through_year``."""
    counted: dict[int, int] = {}
    for s in sessions:
        if session_counts(s.days_attended, t):
            counted[s.year] = counted.get(s.year, 0) + 1
    skill_years = sorted(d.year for d in skills_certified_on)
    first_skill_year = skill_years[t.r7_min_skills - 1] if len(skill_years) >= t.r7_min_skills > 0 else None
    activity = list(counted) + ([first_skill_year] if first_skill_year else [])
    # Start no later than the first activity, so the run of consecutive years is always whole.
    start = min(activity + [through_year] + ([from_year] if from_year is not None else []))
    out: list[YearStatus] = []
    run = 0
    for year in range(start, through_year + 1):
        n = counted.get(year, 0)
        met = n >= t.r7_sessions_per_year
        previous_run = run
        run = previous_run + 1 if met else 0
        has_skill = t.r7_min_skills <= 0 or (first_skill_year is not None and first_skill_year <= year)
        status: Status
        if run >= t.r7_years and has_skill:
            status = "compliant"
        elif met and run < t.r7_years:
            status = "on_track"
        else:
            status = "behind"
        sessions_needed = max(0, t.r7_sessions_per_year - n)
        out.append(
            YearStatus(
                year=year,
                status=status,
                counted_sessions=n,
                consecutive_years=run,
                has_skill=has_skill,
                sessions_needed=sessions_needed,
                days_needed=sessions_needed * t.r7_days_per_session,
                skill_needed=not has_skill,
                years_remaining=max(0, t.r7_years - (run if met else previous_run)),
            )
        )
    return out


# ---- R8 (§3.3): courses set by industry, level and post; taught where the work is ---------------

VENUE_KINDS = ("industry_project_area", "ecommerce_platform", "employment_base", "entrepreneurship_base", "classroom")
# Which industries a category may teach: agricultural technique is one of the "453" industries;
# employment skills may prepare for a post in a 453 industry's chain, e-commerce or general work;
# cultural literacy is its own subject.
R8_CATEGORY_INDUSTRIES: dict[str, frozenset[str]] = {
    "agricultural_technique": frozenset(INDUSTRIES),
    "employment_skills": frozenset(INDUSTRIES) | {"e_commerce", "employment_skills"},
    "cultural_literacy": frozenset({"cultural_literacy"}),
}
# §3.3 课堂设在产业扶贫项目区、电商平台和创业就业示范基地: teaching happens where the work is.
R8_CATEGORY_VENUES: dict[str, frozenset[str]] = {
    "agricultural_technique": frozenset({"industry_project_area", "classroom"}),
    "employment_skills": frozenset({"ecommerce_platform", "employment_base", "entrepreneurship_base", "industry_project_area", "classroom"}),
    "cultural_literacy": frozenset(VENUE_KINDS),
}
# A course about e-commerce is taught on an e-commerce platform (or in a classroom).
R8_INDUSTRY_VENUES: dict[str, frozenset[str]] = {"e_commerce": frozenset({"ecommerce_platform", "classroom"})}


def r8_course(*, category: str, industry: str, venue_kind: str | None = None) -> Outcome:
    """R8 (§3.3): a course's industry suits its category; a session is taught at a venue that suits the course
    (``venue_kind`` None: the venue is not asked about — the ledger's session facts do not carry it)."""
    allowed = R8_CATEGORY_INDUSTRIES.get(category, frozenset())
    course = None
    if industry not in allowed:
        course = Breach(
            "R8",
            f"{category} 类课程不能设在产业 {industry} 下",
            f"a {category} course cannot be set in industry {industry}; allowed: {', '.join(sorted(allowed))}",
            "industry",
            {"category": category, "industry": industry},
        )
    venue = None
    if venue_kind is not None:
        where = R8_CATEGORY_VENUES.get(category, frozenset()) & R8_INDUSTRY_VENUES.get(industry, frozenset(VENUE_KINDS))
        if venue_kind not in where:
            venue = Breach(
                "R8",
                f"{category}/{industry} 课程不能在 {venue_kind} 授课",
                f"a {category} course in {industry} is taught at one of: {', '.join(sorted(where))}; not at {venue_kind}",
                "venue_kind",
                {"venue_kind": venue_kind, "allowed_venue_kinds": sorted(where)},
            )
    return outcome("R8", course, venue)

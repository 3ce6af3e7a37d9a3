"""Training rules, pure: no I/O. R7 (§3.2, the training file and its compliance) and R8 (§3.3, the catalogue).

R7 is judged in ``policy.training`` (one implementation, the ledger's too) with the thresholds
in force (``policy.settings.thresholds()``); the names below are that rule, bound to them.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from policy import training as r7
from policy.settings import thresholds
from policy.training import CompletedSession, Status, YearStatus
from shared.errors import InvalidInput, RuleViolation
from shared.regions import INDUSTRIES

__all__ = ["CompletedSession", "Status", "YearStatus", "r7_compliance", "r7_session_counts"]  # R7's names, for the training service

# R7 (§3.2): 每人每年至少培训两次，每次不少于5天，连续三年，熟练掌握一门以上实用技术 — policy.training.
r7_session_counts = partial(r7.session_counts, t=thresholds())
r7_compliance = partial(r7.r7_compliance, t=thresholds())

# R8 (§3.1, §3.3): three course categories, each for its audience.
CATEGORIES: dict[str, str] = {
    "agricultural_technique": "农业实用技术培训 — for labourers farming at home",
    "employment_skills": "就业技能培训 — for labourers wishing to work away",
    "cultural_literacy": "文化素质提升培训 — for every poor person",
}
NON_AGRICULTURAL_INDUSTRIES = ("e_commerce", "employment_skills", "cultural_literacy")
COURSE_INDUSTRIES: tuple[str, ...] = tuple(INDUSTRIES) + NON_AGRICULTURAL_INDUSTRIES
LEVELS = ("primary", "intermediate", "advanced")
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


def check_r8_course(*, category: str, industry: str) -> None:
    """R8: a course is set by industry, level and post; its industry must suit its category."""
    allowed = R8_CATEGORY_INDUSTRIES[category]
    if industry not in allowed:
        raise RuleViolation(
            "R8",
            f"{category} 类课程不能设在产业 {industry} 下",
            detail_en=f"a {category} course cannot be set in industry {industry}; allowed: {', '.join(sorted(allowed))}",
            field="industry",
            category=category,
            industry=industry,
        )


def check_r8_venue(*, category: str, industry: str, venue_kind: str) -> None:
    """R8: teaching happens where the work is — the venue kind must suit the course."""
    allowed = R8_CATEGORY_VENUES[category] & R8_INDUSTRY_VENUES.get(industry, frozenset(VENUE_KINDS))
    if venue_kind not in allowed:
        raise RuleViolation(
            "R8",
            f"{category}/{industry} 课程不能在 {venue_kind} 授课",
            detail_en=f"a {category} course in {industry} is taught at one of: {', '.join(sorted(allowed))}; not at {venue_kind}",
            field="venue_kind",
            venue_kind=venue_kind,
            allowed_venue_kinds=sorted(allowed),
        )


def check_session_dates(*, start_date: date, end_date: date) -> None:
    if end_date < start_date:
        raise InvalidInput(
            "结束日期早于开始日期",
            detail_en=f"end_date {end_date} precedes start_date {start_date}",
            field="end_date",
        )


def check_labour_capacity(*, requires_labour_capacity: bool, labour_capacity: str, field: str) -> None:
    """A course that trains for work refuses a member without labour capacity."""
    if requires_labour_capacity and labour_capacity not in ("full", "partial"):
        raise InvalidInput(
            "该课程要求学员有劳动能力",
            detail_en=f"this course requires labour capacity; the member's is {labour_capacity}",
            field=field,
            code="labour_capacity_required",
            labour_capacity=labour_capacity,
        )


def is_labourer(labour_capacity: str) -> bool:
    """R7 speaks of every labourer (劳动力): full or partial labour capacity."""
    return labour_capacity in ("full", "partial")


def skill_key(skill: str) -> str:
    """Two certificates name the same skill when they differ only in case and spacing."""
    return " ".join(skill.split()).casefold()

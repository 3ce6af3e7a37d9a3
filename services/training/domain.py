"""Training rules, pure: no I/O. R7 (§3.2, the training file and its compliance) and R8 (§3.3, the catalogue).

R7 and R8 are judged in ``policy.training`` (one implementation each, the ledger's too), R7 with
the thresholds in force (``policy.settings.thresholds()``); the names below are those rules, bound
to them.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from policy import training as r7
from policy import training as r8
from policy.settings import thresholds
from policy.training import CompletedSession, Status, YearStatus
from shared.errors import InvalidInput
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
# R8 (§3.3, which industries a category teaches and where) is one function of policy.training, the ledger's too.
VENUE_KINDS = r8.VENUE_KINDS


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

"""R7 (§3.2), the training file's requirement, judged once for training and the ledger.

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

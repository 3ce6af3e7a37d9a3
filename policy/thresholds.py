"""The policy's numbers, in one frozen value: defaults from the text of 韶扶组〔2018〕3号.

Pure. Which values are in force comes from ``policy.settings.thresholds()`` (the environment may
override them); every service that judges a rule with a number reads it there, so the producer
and the ledger never disagree on a threshold.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """Basis points (1/100 of a percent), tenths of a mu, counts and days."""

    r1_industry_share_bp: int = 6000  # §1.1 ≥60% of the special fund net of education/medical to industries
    r3_poor_share_bp: int = 6000  # §1.1 ≥60% of the income guidance funds add to poor households
    r4_min_area_tenth_mu: int = 500  # §1.2 ≥50 mu contiguous
    r7_sessions_per_year: int = 2  # §3.2 ≥2 times a year
    r7_days_per_session: int = 5  # each ≥5 days
    r7_years: int = 3  # for 3 consecutive years
    r7_min_skills: int = 1  # masters ≥1 practical skill
    poor_share_bp: int = 5000  # §4.1, §4.2, §5.6 ≥50% to poor households (R9, R10, R17)


DEFAULTS = Thresholds()

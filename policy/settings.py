"""The one settings object for the policy's numbers: read by funds, training and the ledger.

``FUPIN_POLICY_<FIELD>`` overrides a default of ``policy.thresholds.Thresholds`` (for instance
``FUPIN_POLICY_R1_INDUSTRY_SHARE_BP=6500``); the ledger's older ``FUPIN_LEDGER_<FIELD>`` names are
still read, so a deployment that set them keeps its numbers — now for every service at once.
"""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from policy.thresholds import DEFAULTS, Thresholds


def _env(name: str, default: int) -> int:
    return Field(default, validation_alias=AliasChoices(f"FUPIN_POLICY_{name.upper()}", f"FUPIN_LEDGER_{name.upper()}"))


class PolicySettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    r1_industry_share_bp: int = _env("r1_industry_share_bp", DEFAULTS.r1_industry_share_bp)
    r3_poor_share_bp: int = _env("r3_poor_share_bp", DEFAULTS.r3_poor_share_bp)
    r4_min_area_tenth_mu: int = _env("r4_min_area_tenth_mu", DEFAULTS.r4_min_area_tenth_mu)
    r7_sessions_per_year: int = _env("r7_sessions_per_year", DEFAULTS.r7_sessions_per_year)
    r7_days_per_session: int = _env("r7_days_per_session", DEFAULTS.r7_days_per_session)
    r7_years: int = _env("r7_years", DEFAULTS.r7_years)
    r7_min_skills: int = _env("r7_min_skills", DEFAULTS.r7_min_skills)
    poor_share_bp: int = _env("poor_share_bp", DEFAULTS.poor_share_bp)

    def thresholds(self) -> Thresholds:
        return Thresholds(**{f.name: getattr(self, f.name) for f in fields(Thresholds)})


@lru_cache
def thresholds() -> Thresholds:
    """The thresholds in force for this process (read once)."""
    return PolicySettings().thresholds()

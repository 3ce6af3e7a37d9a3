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

from policy.monitoring import DEFAULT_LINES, MONITORING_DEFAULTS, Monitoring
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


class MonitoringSettings(BaseSettings):
    """``FUPIN_MONITORING_LINES='{"2024": 720000}'`` (fen per person and year) adds or replaces lines; the rest are numbers."""

    model_config = SettingsConfigDict(env_prefix="FUPIN_MONITORING_", env_file=".env", extra="ignore")

    lines: dict[int, int] = Field(default_factory=dict)
    near_line_bp: int = MONITORING_DEFAULTS.near_line_bp
    drop_bp: int = MONITORING_DEFAULTS.drop_bp
    no_income_months: int = MONITORING_DEFAULTS.no_income_months
    asset_gap_months: int = MONITORING_DEFAULTS.asset_gap_months

    def monitoring(self) -> Monitoring:
        return Monitoring(
            lines={**DEFAULT_LINES, **self.lines},
            near_line_bp=self.near_line_bp,
            drop_bp=self.drop_bp,
            no_income_months=self.no_income_months,
            asset_gap_months=self.asset_gap_months,
        )


@lru_cache
def monitoring() -> Monitoring:
    """The early warning's numbers in force for this process (read once)."""
    return MonitoringSettings().monitoring()

"""The ledger's settings: the policy thresholds, overridable with ``FUPIN_LEDGER_*`` variables."""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from services.ledger.domain import Thresholds

_DEFAULTS = Thresholds()


class LedgerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FUPIN_LEDGER_", env_file=".env", extra="ignore")

    r1_industry_share_bp: int = _DEFAULTS.r1_industry_share_bp
    r3_poor_share_bp: int = _DEFAULTS.r3_poor_share_bp
    r4_min_area_tenth_mu: int = _DEFAULTS.r4_min_area_tenth_mu
    r7_sessions_per_year: int = _DEFAULTS.r7_sessions_per_year
    r7_days_per_session: int = _DEFAULTS.r7_days_per_session
    r7_years: int = _DEFAULTS.r7_years
    poor_share_bp: int = _DEFAULTS.poor_share_bp

    def thresholds(self) -> Thresholds:
        return Thresholds(**{f.name: getattr(self, f.name) for f in fields(Thresholds)})


@lru_cache
def thresholds() -> Thresholds:
    return LedgerSettings().thresholds()

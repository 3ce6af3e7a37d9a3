"""Market settings (``MARKET_`` environment variables) over the shared base."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class MarketSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MARKET_", env_file=".env", extra="ignore")

    # Standard Webhooks replay window: a timestamp further than this from our clock is refused.
    webhook_tolerance_seconds: int = 300
    webhook_max_body_bytes: int = 256 * 1024
    # Decrypted partner secrets are cached this long per process; revocation in this process is immediate.
    partner_cache_seconds: float = 5.0
    # Benchmarks only: serve POST /market/v1/webhooks/_echo, a bare endpoint on the same router.
    bench_echo: bool = False


@lru_cache
def get_market_settings() -> MarketSettings:
    return MarketSettings()

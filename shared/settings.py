"""One settings base for every service; read from FUPIN_* environment variables (and .env)."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES: tuple[str, ...] = ("funds", "households", "market", "training", "ledger", "oversight")
SERVICE_PORTS: dict[str, int] = {"funds": 8001, "households": 8002, "market": 8003, "training": 8004, "ledger": 8005, "oversight": 8006}

PLACEHOLDER_PREFIX = "dev-insecure"


class FupinSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FUPIN_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    mode: Literal["embedded", "distributed"] = "embedded"
    data_dir: Path = Path("var")
    # Distributed mode: one database per service, e.g.
    # postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/fupin_{service}
    database_url_template: str = "postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/fupin_{service}"
    database_urls: dict[str, str] = Field(default_factory=dict)
    migrate_on_start: bool = True

    kafka_bootstrap: str = "127.0.0.1:9092"
    topic_prefix: str = "fupin."
    topic_partitions: int = 3
    consumer_group_prefix: str = "fupin."
    run_consumers: bool = True
    # False in `fupin consume`: a process without HTTP watches no freshness of its own.
    serves_http: bool = True
    relay_batch_size: int = 1000
    relay_linger_seconds: float = 0.005
    # Write requests in one transaction at a time per process, on PostgreSQL (SQLite: one).
    max_concurrent_writes: int = 6
    # Write requests waiting for one of those transactions, per service and process on PostgreSQL;
    # the next is answered 503 overloaded with Retry-After at once (0: no bound). See docs/runbooks.md.
    max_queued_writes: int = 6
    # Requests in progress per process; the next is answered 503 with Retry-After at once (0: no bound).
    max_in_flight: int = 64
    consumer_batch_size: int = 2000
    poll_interval_seconds: float = 0.25
    # A killed consumer's partitions move to a new one after this long (Kafka's minimum is 6 s).
    consumer_session_timeout_ms: int = 10000
    # Static group membership (KIP-345): a consumer restarted under the same instance id gets its
    # partitions back at once instead of waiting for a rebalance. One id per consumer process.
    consumer_instance_id: str | None = None
    # A lost broker: reconnect after 0.5 s, 1 s, 2 s … up to this, each with jitter; say so once per interval.
    kafka_backoff_initial_seconds: float = 0.5
    kafka_backoff_max_seconds: float = 10.0
    broker_probe_seconds: float = 1.0
    outage_log_interval_seconds: float = 30.0
    # The ledger is "stale" when events wait and its applied position has not moved for this long.
    ledger_stale_seconds: float = 30.0
    freshness_interval_seconds: float = 2.0
    # `fupin consume` serves /healthz, /readyz and /metrics here (0: no endpoint).
    consumer_health_port: int = 0
    # Seconds a client is told to wait (Retry-After) when a database is unreachable.
    retry_after_seconds: int = 5
    # OpenTelemetry spans are made (trace ids flow into events and logs) but exported only when asked.
    trace_exporter: Literal["none", "console"] = "none"

    jwt_secret: str = "dev-insecure-jwt-secret-0000000000000000"
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwks_url: str | None = None
    jwt_issuer: str = "fupin-dev"
    jwt_audience: str = "fupin"
    pii_key: str = "dev-insecure-pii-key-000000000000000000000"

    # Request bodies: larger ones are a 413 problem, before reading when Content-Length says so and
    # while reading a chunked one. Routes may declare their own (imports); see docs/bounds.md.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Idempotency records are answered for this long, then ignored and purged (docs/bounds.md).
    idempotency_ttl_hours: int = Field(default=72, ge=1, le=24 * 365)
    # Signed checkpoints of the sources' Merkle trees (docs/audit.md). The key is a signed-note
    # signer key, PRIVATE+KEY+<name>+<key id>+<base64(0x01 || Ed25519 seed)>, from `fupin audit keygen`;
    # the placeholder signs with a well-known development key and is refused outside development.
    checkpoint_key: str = "dev-insecure-checkpoint-key"
    # Origin lines are "<checkpoint_origin>/<source>", e.g. "fupin.shaoguan.gov.cn/funds".
    checkpoint_origin: str = "fupin.shaoguan.gov.cn"
    # The ledger signs a checkpoint of each grown tree this often (0: only on demand, `fupin audit checkpoint`).
    checkpoint_interval_seconds: float = Field(default=300.0, ge=0)

    # The village notice (公示, services/oversight, docs/oversight.md): how long an approved distribution is
    # posted before its money is released. ISO 8601 (P7D, PT10M for a demonstration) or seconds; 0 switches
    # the gate off (the money is released at approval and the notice says so). One value for the whole
    # platform: funds holds the money by it, oversight closes the notice by it.
    notice_window: timedelta = Field(default=timedelta(days=7), ge=timedelta(0), le=timedelta(days=90))

    @field_validator("notice_window", mode="before")
    @classmethod
    def _seconds_from_the_environment(cls, value: object) -> object:
        """``FUPIN_NOTICE_WINDOW=0`` (or ``600``) is seconds: the environment gives a string, which pydantic reads only as ISO 8601."""
        if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
            return float(value)
        return value

    # How often the oversight service closes the notices whose window has ended.
    notice_sweep_seconds: float = Field(default=30.0, gt=0)
    # Days an official has to resolve an objection or a grievance before it is flagged overdue.
    grievance_days: int = Field(default=15, ge=1, le=365)
    # Objections the public page takes from one client address per hour (0: no limit); per process.
    public_objections_per_hour: int = Field(default=20, ge=0)

    cors_origins: list[str] = Field(default_factory=list)
    # The operator console (shared/console.py): where its build lives (default console/dist), where it
    # finds each service (empty: the same origin, as in embedded mode), and its OIDC client in production
    # ({"authorization_endpoint", "token_endpoint", "client_id", "scope"}; sign-in by code with PKCE).
    console_dist: Path | None = None
    console_api_urls: dict[str, str] = Field(default_factory=dict)
    console_oidc: dict[str, str] = Field(default_factory=dict)
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _refuse_placeholders_in_production(self) -> FupinSettings:
        if self.env == "production":
            if self.jwt_algorithm == "HS256" or not self.jwks_url:
                raise ValueError("production verifies RS256 tokens of the identity provider: set FUPIN_JWT_ALGORITHM=RS256 and FUPIN_JWKS_URL")
            if self.pii_key.startswith(PLACEHOLDER_PREFIX):
                raise ValueError("FUPIN_PII_KEY is a development placeholder; set a real key in production")
            if self.checkpoint_key.startswith(PLACEHOLDER_PREFIX):
                raise ValueError("FUPIN_CHECKPOINT_KEY is a development placeholder; set a signer key (`fupin audit keygen`) in production")
        return self

    def database_url(self, service: str) -> str:
        if service in self.database_urls:
            return self.database_urls[service]
        if self.mode == "embedded":
            return f"sqlite+aiosqlite:///{self.data_dir / service}.db"
        return self.database_url_template.format(service=service)

    def topic(self, source: str) -> str:
        return f"{self.topic_prefix}{source}"

    def consumer_group(self, consumer: str) -> str:
        return f"{self.consumer_group_prefix}{consumer}"


@lru_cache
def get_settings() -> FupinSettings:
    return FupinSettings()

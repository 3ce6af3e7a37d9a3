"""Placeholder secrets are refused outside development."""

import pytest
from pydantic import ValidationError

from shared.settings import FupinSettings


def test_production_refuses_the_development_pii_key():
    with pytest.raises(ValidationError, match="PII_KEY"):
        FupinSettings(env="production", jwt_algorithm="RS256", jwks_url="https://idp.example/jwks")


def test_production_refuses_locally_signed_tokens():
    with pytest.raises(ValidationError, match="RS256"):
        FupinSettings(env="production", pii_key="a-real-key-from-the-vault")


def test_production_refuses_the_development_checkpoint_key():
    with pytest.raises(ValidationError, match="CHECKPOINT_KEY"):
        FupinSettings(env="production", jwt_algorithm="RS256", jwks_url="https://idp.example/jwks", pii_key="k" * 40)


def test_production_with_real_settings_is_accepted():
    from shared.checkpoint import Signer

    s = FupinSettings(
        env="production",
        jwt_algorithm="RS256",
        jwks_url="https://idp.example/jwks",
        pii_key="k" * 40,
        checkpoint_key=Signer.generate("fupin.shaoguan.gov.cn").encode(),
    )
    assert s.env == "production"


def test_embedded_mode_puts_each_service_on_its_own_sqlite_file(tmp_path):
    s = FupinSettings(data_dir=tmp_path)
    urls = {s.database_url(n) for n in ("funds", "households", "market", "training", "ledger", "oversight")}
    assert len(urls) == 6 and all(u.startswith("sqlite+aiosqlite:///") for u in urls)


@pytest.mark.parametrize(("value", "seconds"), [("0", 0), ("600", 600), ("PT10M", 600), ("P7D", 7 * 86400)])
def test_the_notice_window_is_read_from_the_environment_as_seconds_or_iso_8601(monkeypatch, value, seconds):
    """``FUPIN_NOTICE_WINDOW=0`` switches the gate off, as docs/oversight.md says; pydantic alone refused "0"."""
    monkeypatch.setenv("FUPIN_NOTICE_WINDOW", value)
    assert FupinSettings().notice_window.total_seconds() == seconds

"""Market rules as pure functions: R12 settlement arithmetic, exact quantities, webhook signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policy.market import r12_order_farming
from services.market import domain
from services.market.signing import SignatureError, new_secret, secret_key, sign, verify
from shared.errors import enforce
from shared.problems import InvalidInput, RuleViolation


def test_r12_settlement_pays_max_of_floor_and_market_per_unit():
    at_floor = domain.settlement_amount_r12(quantity_milli=20_500, floor_price_fen=12000, market_price_fen=11000)
    assert (at_floor.paid_price_fen, at_floor.amount_fen, at_floor.floor_applied) == (12000, 246000, True)
    above = domain.settlement_amount_r12(quantity_milli=10_000, floor_price_fen=12000, market_price_fen=13050)
    assert (above.paid_price_fen, above.amount_fen, above.floor_applied) == (13050, 130500, False)


def test_r12_settlement_rounds_half_up_to_the_fen():
    # 0.125 kg × 12 fen = 1.5 fen → 2; 0.124 × 12 = 1.488 → 1; 0.001 × 499 = 0.499 → 0
    assert domain.settlement_amount_r12(quantity_milli=125, floor_price_fen=12, market_price_fen=0).amount_fen == 2
    assert domain.settlement_amount_r12(quantity_milli=124, floor_price_fen=12, market_price_fen=0).amount_fen == 1
    assert domain.settlement_amount_r12(quantity_milli=1, floor_price_fen=499, market_price_fen=0).amount_fen == 0


@given(q=st.integers(1, 10**10), floor=st.integers(1, 10**6), market=st.integers(0, 10**6))
def test_r12_settlement_never_pays_below_the_floor_by_more_than_half_a_fen(q, floor, market):
    s = domain.settlement_amount_r12(quantity_milli=q, floor_price_fen=floor, market_price_fen=market)
    assert isinstance(s.amount_fen, int)
    assert 2 * 1000 * s.amount_fen >= 2 * q * floor - 1000
    assert abs(1000 * s.amount_fen - q * max(floor, market)) * 2 <= 1000


def test_r12_floor_price_must_be_above_zero():
    with pytest.raises(RuleViolation) as exc:
        enforce(r12_order_farming(floor_price_fen=0))
    assert exc.value.rule == "R12"


@pytest.mark.parametrize(("text", "milli"), [("12.5", 12500), ("0.001", 1), ("500", 500000), ("1.500", 1500), ("1e2", 100000)])
def test_quantities_are_exact_thousandths(text, milli):
    assert domain.parse_quantity(text, field="q") == milli
    assert domain.parse_quantity(domain.format_quantity(milli), field="q") == milli


@pytest.mark.parametrize("text", ["1.0005", "-1", "0", "abc", "NaN", "Infinity", "1e30"])
def test_bad_quantities_are_refused_naming_the_field(text):
    with pytest.raises(InvalidInput) as exc:
        domain.parse_quantity(text, field="lines[0].quantity")
    assert exc.value.field == "lines[0].quantity"


def test_signature_matches_the_standard_webhooks_reference_library():
    from datetime import UTC, datetime

    from standardwebhooks.webhooks import Webhook

    secret = new_secret()
    when = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    body = '{"type":"order.created"}'
    ours = sign(secret_key(secret), "msg_1", int(when.timestamp()), body.encode())
    assert ours == Webhook(secret).sign("msg_1", when, body)
    expected = base64.b64encode(hmac.new(secret_key(secret), f"msg_1.{int(when.timestamp())}.{body}".encode(), hashlib.sha256).digest())
    assert ours == "v1," + expected.decode()


def test_verify_accepts_any_active_key_and_refuses_others():
    a, b, c = (secret_key(new_secret()) for _ in range(3))
    header = sign(b, "m", 1, b"x")
    verify([a, b], "m", 1, b"x", header)
    with pytest.raises(SignatureError):
        verify([a, c], "m", 1, b"x", header)
    with pytest.raises(SignatureError):
        verify([a, b], "m", 2, b"x", header)


def test_the_python_signer_in_docs_webhooks_md_matches_the_reference_library():
    import re
    from datetime import UTC, datetime
    from pathlib import Path

    from standardwebhooks.webhooks import Webhook

    text = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text()
    source = re.search(r"(def sign\(.*?\n)\n", text, re.S).group(1)
    namespace: dict = {"base64": base64, "hashlib": hashlib, "hmac": hmac}
    exec(source, namespace)
    secret = new_secret()
    when = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert namespace["sign"](secret, "msg_9", int(when.timestamp()), b'{"x":1}') == Webhook(secret).sign("msg_9", when, '{"x":1}')

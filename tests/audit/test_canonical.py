"""The hashed form is RFC 8785: the project's encoder agrees with an independent implementation."""

from __future__ import annotations

import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.events.contracts import REGISTRY
from shared.events.envelope import MAX_SAFE_INTEGER, NotCanonical, canonical_json, event_hash, seal
from tests.audit.support import fv
from tests.ledger.support import example_of

# Keys and strings from all of Unicode (astral planes and control characters included: the
# corners where sorting and escaping differ between naive encoders and RFC 8785).
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
scalars = st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | text
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(text, inner, max_size=6), max_leaves=30)


def _sealed(data: dict, **kw) -> dict:
    base = dict(
        event_id="0193c8e2-0000-7000-8000-000000000001",
        service="funds",
        type_="fupin.funds.test.v1",
        time="2026-12-01T00:00:00.000001Z",
        subject=None,
        data=data,
        sequence=1,
        prevhash="0" * 64,
        actor="tester",
        actorrole="city_admin",
        partitionkey=None,
    )
    base.update(kw)
    return seal(**base)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_the_encoder_is_rfc8785_on_random_values(value):
    assert canonical_json(value) == rfc8785.dumps(value)
    assert canonical_json(value) == fv.jcs(value)  # and the auditor's own encoder agrees too


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(text, json_values, max_size=8), st.integers(1, MAX_SAFE_INTEGER))
def test_random_events_hash_the_same_under_any_rfc8785_encoder(data, sequence):
    env = _sealed(data, sequence=sequence)
    body = {k: v for k, v in env.items() if k != "hash"}
    assert canonical_json(env) == rfc8785.dumps(env)
    assert env["hash"] == event_hash(env) == __import__("hashlib").sha256(rfc8785.dumps(body)).hexdigest()


@pytest.mark.parametrize("event_type", sorted(REGISTRY))
def test_every_contracts_example_is_rfc8785_canonical(event_type):
    data = example_of(REGISTRY[event_type]).model_dump(mode="json")
    env = _sealed(data, type_=event_type, subject="s-1", partitionkey="p-1")
    assert canonical_json(env) == rfc8785.dumps(env)
    # The stored bytes parse back to the same envelope, and re-encode to the same bytes.
    assert canonical_json(json.loads(canonical_json(env))) == canonical_json(env)


@pytest.mark.parametrize("bad", [1.5, 0.0, float("nan"), {"amount": 2.0}, [1, 2.5], 2**53, -(2**53), {"when": object()}])
def test_floats_huge_integers_and_non_json_are_refused(bad):
    with pytest.raises(NotCanonical):
        canonical_json(bad)
    with pytest.raises(NotCanonical):
        _sealed({"x": bad})


def test_no_contract_declares_a_float_field():
    def numbers(schema, path=""):
        if isinstance(schema, dict):
            if schema.get("type") == "number":
                yield path
            for key, value in schema.items():
                yield from numbers(value, f"{path}/{key}")
        elif isinstance(schema, list):
            for i, value in enumerate(schema):
                yield from numbers(value, f"{path}/{i}")

    floats = {t: list(numbers(cls.model_json_schema())) for t, cls in REGISTRY.items()}
    assert {t: p for t, p in floats.items() if p} == {}

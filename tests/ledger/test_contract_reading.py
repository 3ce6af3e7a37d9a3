"""The ledger reads every producer's fact by its contract's field names: a renamed field fails here.

Two readings are held to the contracts (``shared/events/*.py``):

* the projections: the consumer reads typed contracts through ``projector.HANDLERS``; the bulk
  replay reads the same envelopes as raw dicts. For every contract's example both give the same
  rows, and the raw path asks only for keys the contract has;
* the indicators: ``indicators.evaluate`` over every contract's example asks each fact only for its
  contract's fields (and the ``event_id`` the ledger adds).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from policy.thresholds import Thresholds
from services.ledger import domain, indicators, projector
from services.ledger.app import SOURCES
from shared.events.contracts import REGISTRY, EventData, parse_data
from shared.events.envelope import GENESIS_HASH, seal
from shared.events.income import IncomeLine
from shared.ids import new_id
from tests.ledger.support import example_of

V = "440232100201"
READ: dict[str, set[str]] = defaultdict(set)  # fact name → keys the ledger asked its data for
INCOME = "<income line>"


class Recording(dict[str, Any]):
    """A fact's data that notes every key read from it, also through ``d1 | d2`` merges."""

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        super().__init__({k: Recording(INCOME, v) if isinstance(v, dict) and k == "income" else v for k, v in data.items()})
        self.name = name

    def _note(self, key: object) -> None:
        if isinstance(key, str):
            READ[self.name].add(key)

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)

    def __or__(self, other: Any) -> Recording:
        return Recording(self.name, dict(self) | dict(other))

    def __ror__(self, other: Any) -> Recording:
        return Recording(self.name, dict(other) | dict(self))


def _fields(name: str) -> set[str]:
    """Every field the contracts of one fact name declare, over all their versions."""
    return {f for t, cls in REGISTRY.items() if t.split(".")[2] == name for f in cls.model_fields}


def _consumed() -> list[type[EventData]]:
    return [cls for cls in REGISTRY.values() if cls.service in SOURCES]


def _example(cls: type[EventData]) -> EventData:
    return example_of(cls, village_code=V) if "village_code" in cls.model_fields else example_of(cls)


def _envelope(fact: EventData) -> dict[str, Any]:
    data = fact.model_dump(mode="json")
    return seal(
        event_id=new_id(), service=fact.service, type_=fact.event_type, time="2026-06-01T08:00:00Z", subject=fact.subject(),
        data=data, sequence=1, prevhash=GENESIS_HASH, actor="t", actorrole="city_admin", partitionkey=fact.partition_key(),
    )  # fmt: skip


def _rows(rows: projector.Rows) -> dict[str, Any]:
    return {k: v for k, v in vars(rows).items()}


@pytest.mark.parametrize("cls", _consumed(), ids=lambda c: c.event_type)
def test_the_consumer_and_the_replay_read_each_fact_alike_and_by_its_contracts_names(cls):
    envelope = _envelope(_example(cls))
    typed = projector.Rows()
    typed.add_typed(envelope, parse_data(envelope["type"], envelope["data"]))
    name = projector.fact_name(cls.event_type)
    READ.clear()
    raw = projector.rows_of([envelope | {"data": Recording(name, envelope["data"])}])
    assert _rows(raw) == _rows(typed)
    assert not raw.parked and not typed.parked, raw.parked
    # Every fact is asked for its place and an income line (projector.PROBED); nothing else outside its contract.
    unknown = READ.get(name, set()) - _fields(name) - set(projector.PROBED)
    assert not unknown, f"the replay reads {sorted(unknown)} from {cls.event_type}, which its contract does not have"
    assert READ.get(INCOME, set()) <= set(IncomeLine.model_fields), READ[INCOME]
    if "income" in cls.model_fields:
        assert typed.incomes and READ[INCOME] >= {"household_id", "benefit_type", "amount_fen", "occurred_on", "village_code"}


def test_the_handler_table_names_only_contracts_the_ledger_consumes():
    consumed = {cls.event_type for cls in _consumed()}
    assert set(projector.HANDLERS) <= consumed and projector.HANDLERS


def test_every_indicator_reads_facts_only_by_their_contracts_field_names():
    READ.clear()
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i, cls in enumerate(_consumed()):
        name = projector.fact_name(cls.event_type)
        by_name[name].append(Recording(name, _example(cls).model_dump(mode="json") | {"event_id": f"e{i}"}))
    households = [{"household_id": "h", "poverty_status": "registered_poor", "labour_count": 1, "left_on": None}]
    facts = domain.Facts(by_name=dict(by_name), known=frozenset(by_name), households=households, year=2026)
    for village in (V, None):
        results = indicators.evaluate(facts, Thresholds(), village_code=village, categories=["province_poor", "relatively_poor_dongguan"])
        assert [r.rule for r in results] == list(indicators.INDICATORS)
    assert READ, "the indicators read no fact at all"
    wrong = {name: sorted(keys - _fields(name) - domain.LEDGER_KEYS) for name, keys in READ.items() if keys - _fields(name) - domain.LEDGER_KEYS}
    assert not wrong, f"indicators read fields their contracts do not have: {wrong}"

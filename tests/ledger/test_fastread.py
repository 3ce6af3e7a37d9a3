"""The replay's fast reading (``services.ledger.fastread``: bytes straight to COPY rows) gives the rows the plain one gives.

Every fact the typed reading would read otherwise goes the plain way (``projector.Rows.add`` over the
envelope as a dict), so what is parked, kept as unreadable or booked is decided where it always was.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from services.ledger import audit, fastread, projector
from services.ledger.models import Base
from shared.bounds import MAX_PAYMENT_FEN
from shared.events.envelope import canonical_json
from tests.ledger.test_contract_reading import _consumed, _envelope, _example
from tests.ledger.test_projector import _log

NOW = datetime(2026, 12, 2, tzinfo=UTC)


def _rows(rows: projector.Rows) -> dict[str, Any]:
    out = dict(vars(rows))
    out["incomes"] = sorted(rows.incomes)  # the income rows' order in a batch changes no table
    return out


def _bytes(envelope: dict[str, Any]) -> bytes:
    """As a relay publishes it; plain JSON, so that an amount past 2**53 (which has no canonical form) can be written too."""
    return json.dumps(envelope, ensure_ascii=False).encode()


def both_ways(envelopes: list[dict[str, Any]]) -> tuple[projector.Rows, projector.Rows, int]:
    """The plain reading of the dicts, the fast one of their bytes (its others read plainly); how many went fast."""
    plain = projector.rows_of(envelopes)
    incomes, consumed, others = fastread.read([_bytes(e) for e in envelopes], NOW, set())
    fast = projector.rows_of(others)
    fast.incomes = incomes + fast.incomes
    assert [c[0] for c in consumed] == [r[0] for r in incomes]
    return plain, fast, len(incomes)


@pytest.mark.parametrize("cls", _consumed(), ids=lambda c: c.event_type)
def test_every_contracts_example_reads_the_same_both_ways(cls):
    envelope = _envelope(_example(cls))
    plain, fast, quick = both_ways([envelope])
    assert _rows(fast) == _rows(plain)
    assert quick == (1 if "income" in cls.model_fields else 0)


def test_a_log_of_every_kind_reads_the_same_both_ways_and_its_income_facts_go_fast():
    log = _log()
    envelopes = [e for source in sorted(log) for e in log[source]]
    plain, fast, quick = both_ways(envelopes)
    assert _rows(fast) == _rows(plain)
    assert quick == len(plain.incomes) == 60


def _income(**changes: Any) -> dict[str, Any]:
    envelope = _envelope(_example(next(c for c in _consumed() if c.event_type == "fupin.funds.subsidy_paid.v1")))
    envelope["data"]["income"] |= changes
    return envelope


@pytest.mark.parametrize(
    "changes, outcome",
    [
        ({"village_code": "44023210020"}, "kept"),  # 11 digits: unreadable, kept as a policy fact
        ({"amount_fen": MAX_PAYMENT_FEN + 1}, "parked"),
        ({"amount_fen": -(MAX_PAYMENT_FEN + 1)}, "parked"),
        ({"amount_fen": 2**70}, "parked"),
        ({"amount_fen": "500"}, "parked"),  # a string is no amount
        ({"amount_fen": True}, "parked"),
        ({"lineage": {"fund_id": "F", "no_such_ref": "x"}}, "booked"),  # a reference Lineage does not name
        ({"lineage": {"fund_id": 7}}, "booked"),
        ({"lineage": None}, "booked"),
        ({"occurred_on": "20260510"}, "booked"),  # a date the plain reading takes and the typed one does not
        ({"household_id": 12345}, "booked"),
        ({"benefit_type": "no_such_type"}, "parked"),  # not one of the six (§5): the API answers them as that enum (#13)
        ({"unknown_field": 1}, "booked"),
    ],
)
def test_an_odd_income_fact_goes_the_plain_way_and_is_booked_parked_or_kept_as_before(changes, outcome):
    envelope = _income(**changes)
    plain, fast, _ = both_ways([envelope])
    assert _rows(fast) == _rows(plain)
    got = "parked" if fast.parked else "booked" if fast.incomes else "kept" if fast.facts else "nothing"
    assert got == outcome, _rows(fast)


def test_a_time_the_typed_reading_would_round_goes_the_plain_way():
    envelope = _income()
    envelope["time"] = "2026-06-01T08:00:00.1234567Z"  # seven digits: the plain reading cuts, msgspec would round
    plain, fast, quick = both_ways([envelope])
    assert _rows(fast) == _rows(plain) and plain.incomes[0][5].microsecond == 123456


def test_an_event_published_twice_is_read_once():
    envelope = _income()
    other = _log(2, 0)["households"][0]
    incomes, consumed, others = fastread.read([_bytes(e) for e in (envelope, other, envelope, other)], NOW, set())
    assert len(incomes) == len(consumed) == 1 and [e["id"] for e in others] == [other["id"]]


def test_malformed_json_is_refused_as_the_plain_decoder_refuses_it():
    with pytest.raises(ValueError):
        fastread.read([b'{"id": "x", '], NOW, set())


async def test_the_writer_applies_the_log_from_its_bytes_as_the_replay_of_its_dicts_does(platform):
    """The bench's and a consumer's path (fetches in any partition order, COPY, one transaction at a time) against ``replay_into``."""
    if platform.mode != "distributed":
        pytest.skip("the COPY path is PostgreSQL's")
    log = _log(8, 300)
    payloads = [canonical_json(e) for source in sorted(log) for e in log[source]]
    rng = random.Random(5)
    async with audit.scratch_database(platform.settings) as plain, audit.scratch_database(platform.settings) as fast:
        async with audit.bulk_load(plain, scratch=True):
            await audit.replay_into(plain, log, batch_size=50)
        async with audit.bulk_load(fast, scratch=True):
            writer = audit.Writer(fast)
            for start in range(0, len(payloads), 97):
                fetch = payloads[start : start + 97]
                rng.shuffle(fetch)  # partitions interleave in a fetch
                await writer.put(audit.read_batch(fetch))
            await writer.put(audit.read_batch(payloads[:40]))  # redelivered: applies nothing
            assert await writer.close() == len(payloads)
        for table in audit.projection_tables(Base.metadata):
            diff = audit.diff_tables(table, await audit.snapshot(plain, Base.metadata, table), await audit.snapshot(fast, Base.metadata, table))
            assert diff.ok, diff.report()
        assert len(await audit.snapshot(fast, Base.metadata, "income_entry")) == 300
        assert len(await audit.snapshot(fast, Base.metadata, "household_income_year")) == 8


def test_the_typed_reading_names_every_field_of_the_income_line_and_every_lineage_reference():
    from shared.events.income import IncomeLine, Lineage

    assert set(fastread._Line.__struct_fields__) == set(IncomeLine.model_fields)
    assert set(fastread.LINEAGE_FIELDS) == set(Lineage.model_fields)


def test_the_typed_reading_leaves_its_structs_to_reference_counting_not_the_garbage_collector():
    """A fetch decodes tens of thousands of them; tracked, the collections cost more than the decoding (issue #19)."""
    import gc

    envelope = _income(lineage={"fund_id": "F1"})
    (decoded,) = fastread.decode_all([canonical_json(envelope)])
    assert isinstance(decoded, fastread._Envelope)
    assert not any(gc.is_tracked(x) for x in (decoded, decoded.data, decoded.data.income, decoded.data.income.lineage))

"""Reading the log fast: an income fact's bytes straight into its ``income_entry`` row.

Nearly every event in the log is an income fact (``data.income``, an ``IncomeLine``). msgspec decodes
such an envelope, in C, into typed structs of just the fields its row needs — no dict per event, no
pydantic model — and ``read`` makes from it the tuple that ``projector.income_record`` makes from the
envelope as a dict (``INCOME_COLUMNS`` order, ready for COPY). Whatever the typed reading refuses or
could read otherwise — another kind of fact, a field of another type, a village code not 12 long, an
amount past the bounds, a lineage reference ``Lineage`` does not name — is handed back as a dict,
decoded the plain way, for ``projector.Rows.add``: what is parked, kept as unreadable or refused is
decided there, as before. ``tests/ledger/test_fastread.py`` holds both readings to the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

import msgspec

from services.ledger.projector import _NO_LINEAGE, INCOME_COLUMNS, _instant, _source
from shared.bounds import MAX_PAYMENT_FEN
from shared.bus import decode_json
from shared.events.income import BENEFIT_TYPES, IncomeLine, Lineage

# The lineage's references, from the contract (a reference it does not name sends the fact the slow way), in
# name order: encoded without the unset ones, a struct is the canonical text ``projector._lineage_text`` writes.
LINEAGE_FIELDS: tuple[str, ...] = tuple(sorted(Lineage.model_fields))
_Lineage = msgspec.defstruct("_Lineage", [(name, str | None, None) for name in LINEAGE_FIELDS], forbid_unknown_fields=True, omit_defaults=True, gc=False)


# One of the six benefit types, as the contract's ``BenefitType`` (a plain string in the row): any other sends the
# fact the plain way, which parks it, so no income row holds a type the API's enum lacks (#13).
_BenefitType = Literal[BENEFIT_TYPES]  # type: ignore[valid-type]  # a Literal of the policy's six, built from the enum at import


# The structs hold only strings, numbers, dates and each other, so they can form no cycle: the garbage collector need
# not track them (``gc=False``). Tracked, a fetch's 60,000 of them cost more in collections than decoding them did.


class _Line(msgspec.Struct, gc=False):
    household_id: str
    village_code: str
    benefit_type: _BenefitType
    amount_fen: int
    occurred_on: date
    lineage: _Lineage | None = None  # type: ignore[valid-type]  # a struct type made by defstruct above
    reverses_event_id: str | None = None


class _Data(msgspec.Struct, gc=False):
    income: _Line


class _Envelope(msgspec.Struct, gc=False):
    id: str
    source: str
    type: str
    time: str
    sequence: int
    data: _Data


assert set(_Line.__struct_fields__) == set(IncomeLine.model_fields), _Line.__struct_fields__
assert INCOME_COLUMNS[0] == "event_id" and INCOME_COLUMNS[9] == "source", INCOME_COLUMNS

_decoder = msgspec.json.Decoder(_Envelope)
_encode = msgspec.json.encode


def read(payloads: Iterable[bytes | str], now: datetime, seen: set[str]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[dict[str, Any]]]:
    """A batch's payloads as (income rows, their ``consumed_event`` rows, every other envelope as a dict).

    ``seen`` holds the event ids met so far (a relay may publish one twice): a repeat is left out,
    the first one kept. The dicts keep their order in the batch; the income rows need none.
    """
    incomes: list[tuple[Any, ...]] = []
    consumed: list[tuple[Any, ...]] = []
    others: list[dict[str, Any]] = []
    decode = _decoder.decode
    add = seen.add
    low, high = -MAX_PAYMENT_FEN, MAX_PAYMENT_FEN
    for payload in payloads:
        try:
            e = decode(payload)
        except msgspec.ValidationError:
            envelope = decode_json(payload)
            key = str(envelope["id"])
            if key not in seen:
                add(key)
                others.append(envelope)
            continue
        if e.id in seen:
            continue
        line = e.data.income
        village = line.village_code
        amount = line.amount_fen
        if len(village) != 12 or not low <= amount <= high:
            # projector.income_record refuses these (kept as unreadable, or parked): its words, its way.
            add(e.id)
            others.append(decode_json(payload))
            continue
        add(e.id)
        lineage = line.lineage
        source = _source(e.source)
        incomes.append(
            (
                e.id, line.household_id, line.benefit_type, amount, line.occurred_on, _instant(e.time), village,
                village[:9], village[:6], source, e.type,
                _encode(lineage).decode() if lineage is not None else _NO_LINEAGE, line.reverses_event_id,
            )
        )  # fmt: skip
        consumed.append((e.id, source, e.sequence, now))
    return incomes, consumed, others


def decode_all(payloads: Iterable[bytes | str]) -> list[Any]:
    """Only the decoding ``read`` does, every payload to its typed struct or, the other facts, a dict (the bench's baseline)."""
    decode = _decoder.decode
    out: list[Any] = []
    append = out.append
    for payload in payloads:
        try:
            append(decode(payload))
        except msgspec.ValidationError:
            append(decode_json(payload))
    return out

"""Bounded input, declared once: the field types every request schema, table and contract reuses.

Why these ceilings: the ledger sums income lines. Each single payment or income line is at most
``MAX_PAYMENT_FEN`` (1亿元); a signed 64-bit sum holds 9.2×10^18, so more than 9×10^8 entries at
the ceiling would be needed to overflow it — far beyond any city's log. Fund-level amounts
(funds, allocations, asset values, loan principals) may be larger, up to ``MAX_FUND_FEN``
(100亿元), and are summed over at most a few thousand rows per county.

Strictness: integers are ``int`` only (no ``"12"``, no ``12.0``, no ``true``); booleans are
``true``/``false`` only (no ``"yes"``, no ``1``); dates are ``"YYYY-MM-DD"`` strings only (no
number, so ``0`` never becomes 1970-01-01) inside ``[DATE_MIN, DATE_MAX]``; names are NFC,
not blank, without control or bidirectional-override characters. See docs/bounds.md.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, Strict, StrictBool

from shared.pii import PhoneNumber

# ---- money (integer fen) ---------------------------------------------------------------------

MAX_PAYMENT_FEN = 10**10  # 100,000,000 yuan: one payment, distribution, wage, subsidy, rent, price, income line
MAX_FUND_FEN = 10**12  # 10,000,000,000 yuan: one fund, allocation, asset value or loan principal
MAX_UNIT_PRICE_FEN = 10**8  # 1,000,000 yuan per unit of produce

_FEN = "integer fen (0.01 yuan); a string, a decimal or a boolean is refused"

PaymentFen = Annotated[int, Strict(), Field(gt=0, le=MAX_PAYMENT_FEN, description=f"{_FEN}; 1 … {MAX_PAYMENT_FEN}")]
PaymentFenOrZero = Annotated[int, Strict(), Field(ge=0, le=MAX_PAYMENT_FEN, description=f"{_FEN}; 0 … {MAX_PAYMENT_FEN}")]
FundFen = Annotated[int, Strict(), Field(gt=0, le=MAX_FUND_FEN, description=f"{_FEN}; 1 … {MAX_FUND_FEN}")]
UnitPriceFen = Annotated[int, Strict(), Field(ge=0, le=MAX_UNIT_PRICE_FEN, description=f"{_FEN} per unit; 0 … {MAX_UNIT_PRICE_FEN}")]

# ---- counts, ratios, areas, years ------------------------------------------------------------

MAX_COUNT = 10_000_000  # more people, days or items than the city has
MAX_AREA_TENTH_MU = 100_000_000  # 10,000,000 mu, ten times the largest "453" base

Count = Annotated[int, Strict(), Field(ge=0, le=MAX_COUNT, description=f"a count, 0 … {MAX_COUNT}")]
PositiveCount = Annotated[int, Strict(), Field(gt=0, le=MAX_COUNT, description=f"a count, 1 … {MAX_COUNT}")]
BasisPoints = Annotated[int, Strict(), Field(ge=0, le=10_000, description="basis points, 0 … 10000 (5000 = 50%)")]
AreaTenthMu = Annotated[int, Strict(), Field(gt=0, le=MAX_AREA_TENTH_MU, description=f"tenths of a mu, 1 … {MAX_AREA_TENTH_MU}")]
AreaTenthMuOrZero = Annotated[int, Strict(), Field(ge=0, le=MAX_AREA_TENTH_MU, description=f"tenths of a mu, 0 … {MAX_AREA_TENTH_MU}")]

# ---- dates -----------------------------------------------------------------------------------

DATE_MIN = date(2014, 1, 1)  # the national registry of poor households (建档立卡) began in 2014
DATE_MAX = date(2060, 12, 31)  # agreements run long (land contracts to the late 2050s); nothing later
YEAR_MIN, YEAR_MAX = DATE_MIN.year, DATE_MAX.year
BIRTH_MIN = date(1900, 1, 1)


def _date_string_only(value: Any) -> Any:
    if isinstance(value, date) or isinstance(value, str):
        return value
    raise ValueError("a date is a string YYYY-MM-DD")


def _in_window(lo: date, hi: date) -> Any:
    def check(value: date) -> date:
        if not lo <= value <= hi:
            raise ValueError(f"date must lie within {lo.isoformat()} … {hi.isoformat()}")
        return value

    return check


def _not_future(value: date) -> date:
    if value > date.today():
        raise ValueError("date is in the future")
    return value


PolicyDate = Annotated[
    date,
    BeforeValidator(_date_string_only),
    AfterValidator(_in_window(DATE_MIN, DATE_MAX)),
    Field(description=f"YYYY-MM-DD within {DATE_MIN} … {DATE_MAX}", json_schema_extra={"format": "date"}),
]
BirthDate = Annotated[
    date,
    BeforeValidator(_date_string_only),
    AfterValidator(_in_window(BIRTH_MIN, DATE_MAX)),
    AfterValidator(_not_future),
    Field(description=f"YYYY-MM-DD from {BIRTH_MIN}, not in the future"),
]
Year = Annotated[int, Strict(), Field(ge=YEAR_MIN, le=YEAR_MAX, description=f"a calendar year, {YEAR_MIN} … {YEAR_MAX}")]
# For query parameters (strings on the wire): the same bounds, parsed from the query string.
QueryYear = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description=f"a calendar year, {YEAR_MIN} … {YEAR_MAX}")]

_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_time_only(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_TIME.match(value):
        raise ValueError("a time is ISO 8601 with a zone, e.g. 2026-03-01T00:00:00+08:00 (not a number of seconds)")
    return value


# A time in a query string: ISO 8601 with a zone; ``0`` or ``0.5`` never become 1970-01-01.
QueryTime = Annotated[AwareDatetime, BeforeValidator(_iso_time_only)]

# ---- booleans --------------------------------------------------------------------------------

Flag = StrictBool  # true or false; "yes", 1 and "true" are refused

# ---- text ------------------------------------------------------------------------------------

# Bidirectional embeddings, overrides and isolates can make a name read differently from what it is.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def clean_text(value: str) -> str:
    """NFC, trimmed, not blank, no control or bidirectional-override characters."""
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError("must not be blank")
    for ch in value:
        if ch in _BIDI:
            raise ValueError(f"must not contain the bidirectional control character U+{ord(ch):04X}")
        if unicodedata.category(ch) == "Cc":
            raise ValueError(f"must not contain the control character U+{ord(ch):04X}")
    return value


def text(max_length: int, *, description: str | None = None) -> Any:
    """A bounded, clean string type: ``name: text(100)``."""
    desc = f"text, 1 … {max_length} characters, NFC, no control characters"
    return Annotated[
        str,
        Strict(),
        AfterValidator(clean_text),
        Field(min_length=1, max_length=max_length, description=f"{description}; {desc}" if description else desc),
    ]


PersonName = text(50, description="a person's name")
# A contact phone (7 … 13 digits once spaces and dashes go); stored encrypted, shown masked, never in events.
Phone = Annotated[PhoneNumber, Strict(), Field(min_length=1, max_length=32, description="a phone number, 7 … 13 digits")]
Name = text(200, description="a name")
Note = text(2000, description="free text")


# ---- request bodies --------------------------------------------------------------------------


class StrictInput(BaseModel):
    """Base of every request body: an unknown (e.g. misspelt) field is a 422 naming it, never dropped."""

    model_config = ConfigDict(extra="forbid")

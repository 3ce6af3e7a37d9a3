"""The field types market's requests and answers share, each declared once (bounds from ``shared/bounds.py``).

Named aliases rather than ``text(n)`` in an annotation: the type checker reads an imported alias
as a type, where it reads no call as one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, PlainSerializer, Strict, StringConstraints

from services.market import domain
from shared.bounds import DATE_MAX, DATE_MIN, text
from shared.problems import InvalidInput
from shared.regions import INDUSTRIES, division_code_problem


def _quantity(value: str) -> str:
    try:
        domain.parse_quantity(value, field="quantity")
    except InvalidInput as exc:
        raise ValueError(exc.detail_en or str(exc)) from None
    return value


# A decimal string in the unit, > 0, at most three decimals and at most MAX_QUANTITY units; never a JSON number.
Quantity = Annotated[
    str,
    Strict(),
    StringConstraints(max_length=20),
    AfterValidator(_quantity),
    Field(
        description=f'decimal string, > 0, at most {domain.QUANTITY_DECIMALS} decimals, at most {domain.MAX_QUANTITY:,} units: "12.5"',
        examples=["12.5"],
    ),
]
# A quantity as the API answers it: read from a ``*_milli`` column (thousandths), written as the exact decimal string.
Milli = Annotated[int, PlainSerializer(domain.format_quantity, return_type=str)]
# Ids of other objects: UUIDv7 strings (36 characters).
Ref = text(36, description="an id")
LineNo = Annotated[int, Strict(), Field(ge=1, le=domain.MAX_LINES, description=f"an order line number, 1 … {domain.MAX_LINES}")]
PartnerCode = Annotated[str, Strict(), StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
CountyCode = Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9]{6}$")]
TownshipCode = Annotated[str, Strict(), StringConstraints(pattern=r"^[0-9]{9}$")]

# Bounded text of the market's bodies.
PartnerName = text(100)
PartnerOrderId = text(100)
BaseCode = text(60)
NameText = text(200)  # a name: of a buyer, a counterparty, a facility, a base, a product in trade
PairedUnit = text(200, description="defaults to the village's paired assisting unit")
Address = text(500)
CapacityUnit = text(20)


def _product(value: str) -> str:
    if value not in INDUSTRIES:
        raise ValueError(f"unknown product {value!r}; one of the 453 industries: {', '.join(INDUSTRIES)}")
    return value


Product = Annotated[str, Strict(), AfterValidator(_product), Field(description="one of the 453 industries, e.g. `tea`")]


def _village(value: str) -> str:
    problem = division_code_problem(value)
    if problem:
        raise ValueError(f"invalid village code: {problem}")
    return value


VillageCode = Annotated[
    str, Strict(), StringConstraints(pattern=r"^[0-9]{12}$"), AfterValidator(_village), Field(description="a village's 12-digit division code")
]


def _in_window(value: datetime) -> datetime:
    if not DATE_MIN <= value.date() <= DATE_MAX:
        raise ValueError(f"time must lie within {DATE_MIN.isoformat()} … {DATE_MAX.isoformat()}")
    return value


PolicyTime = Annotated[AwareDatetime, AfterValidator(_in_window), Field(description=f"ISO 8601 with a time zone, within {DATE_MIN} … {DATE_MAX}")]

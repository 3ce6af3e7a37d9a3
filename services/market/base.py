"""What every market aggregate builds on: the tables' registry and base, the CHECK helpers, the answers' base.

One aggregate per package (``services/market/<aggregate>/``): ``models.py`` (its tables),
``schemas.py`` (what its routes take and answer), ``repository.py`` (its scoped reads),
``service.py`` (its use cases) and ``api.py`` (its routes). Quantities are integers in
thousandths of the unit (``*_milli``); money is integer fen. The CHECK constraints repeat the
API's bounds (``services/market/domain.py``, ``shared/bounds.py``), so a row written another way
cannot hold what the API would refuse.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Table, inspect
from sqlalchemy.orm import registry
from sqlmodel import SQLModel, col

from services.market.domain import MAX_QUANTITY_MILLI
from shared.bounds import MAX_UNIT_PRICE_FEN
from shared.db import make_base

__all__ = ["MarketTable", "Public", "col", "quantity", "table_of", "unit_price"]


class MarketTable(SQLModel, registry=registry(metadata=make_base("market").metadata)):
    """The market's tables: SQLModel on a registry of its own, whose MetaData (naming convention and
    the infrastructure tables included) is the market database's and Alembic's target."""


def table_of(model: type[MarketTable]) -> Table:
    """A table class's ``Table`` (SQLModel's stubs do not declare ``__table__``)."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


def quantity(column: str) -> str:
    return f"{column} BETWEEN 1 AND {MAX_QUANTITY_MILLI}"


def unit_price(column: str, low: int = 0) -> str:
    return f"{column} BETWEEN {low} AND {MAX_UNIT_PRICE_FEN}"


class Public(BaseModel):
    """Base of the answers: read from a table row with ``*Out.model_validate(row)`` (its attributes), no hand mapper.

    A quantity is read from the row's ``*_milli`` column and answered as a decimal string
    (``services.market.fields.Milli``).
    """

    model_config = ConfigDict(from_attributes=True)

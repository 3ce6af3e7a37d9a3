"""What every funds aggregate builds on: the tables' registry, their column helpers, and the answers' base.

SQLModel's multiple-models pattern, one aggregate per package (``services/funds/<aggregate>/``): its
``models.py`` has a ``*Base`` declaring once the fields a table shares with the API, with the bounds of
``shared/bounds.py``, and the table (``table=True``) adding what only the database holds; its ``schemas.py``
builds the request (``*In``, the "create" model) and the answer (``*Out``, the "public" model) on the same
base. A table model does not validate: what reaches it was validated as ``*In``. ``FundsTable`` has a registry
and so a MetaData of its own (this service's database only, with the infrastructure tables of ``shared/outbox.py``).

The CHECK constraints repeat the request bounds (migration ``c7e1f0a2d3b4``), so a row written any other
way (a script, a hand repair) cannot hold an amount whose sum would overflow a projection.

No ``from __future__ import annotations`` in the models: SQLModel resolves relationship annotations at class creation.
"""

from typing import Annotated, Any

from pydantic import AfterValidator, Strict
from pydantic import Field as PydanticField
from sqlalchemy import BigInteger, CheckConstraint, MetaData, String
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from shared import tables
from shared.bounds import MAX_FUND_FEN, MAX_PAYMENT_FEN, Name, clean_text
from shared.db import NAMING
from shared.outbox import define_infrastructure_tables
from shared.regions import division_code_problem

# Every id a write body names is looked up in the writer's scope (see service._in_scope).
# (``text(36)`` spelt out, so the type checker sees a type.)
Id = Annotated[
    str,
    Strict(),
    AfterValidator(clean_text),
    PydanticField(min_length=1, max_length=36, description="an id; text, 1 … 36 characters, NFC, no control characters"),
]
Code = Annotated[str, PydanticField(max_length=12, description="a division code")]
MAX_VILLAGES = 2000  # the city has 1,443 poor villages

metadata = MetaData(naming_convention=NAMING, info={"service": "funds"})
define_infrastructure_tables(metadata)


class FundsTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every funds table: its own registry, so its own MetaData (not ``SQLModel.metadata``)."""


def between(column: str, low: int, high: int, *, nullable: bool = False, name: str | None = None) -> CheckConstraint:
    """``low <= column <= high`` (or NULL) as a named CHECK constraint, ``ck_<table>_<column>_bounded``."""
    clause = f"{column} >= {low} AND {column} <= {high}"
    return CheckConstraint(f"{column} IS NULL OR ({clause})" if nullable else clause, name=name or f"{column}_bounded")


def fund_fen(column: str, *, low: int = 1, nullable: bool = False) -> CheckConstraint:
    return between(column, low, MAX_FUND_FEN, nullable=nullable)


def payment_fen(column: str, *, low: int = 1, nullable: bool = False) -> CheckConstraint:
    return between(column, low, MAX_PAYMENT_FEN, nullable=nullable)


def basis_points(column: str, *, nullable: bool = False) -> CheckConstraint:
    return between(column, 0, 10_000, nullable=nullable)


def key() -> Any:
    """A primary key column: an id of 36 characters (UUIDv7)."""
    return tables.pk()


def ref(*, index: bool = False, foreign_key: str | None = None, default: Any = ..., api: bool = True, **kw: Any) -> Any:
    """A column holding another object's id (36 characters), nullable when it defaults to None."""
    if foreign_key is not None:
        kw["foreign_key"] = foreign_key
    return tables.column(String(36), default, max_length=36, index=index, bound=Id if api else None, **kw)


def code(length: int = 12, *, index: bool = False, default: Any = ..., **kw: Any) -> Any:
    """A division code column: a village (12 digits) or a county (6)."""
    return tables.column(String(length), default, index=index, bound=Code, **kw)


def fen(default: Any = ..., *, of: Any = None, **kw: Any) -> Any:
    """An amount of fen: a BIGINT column, bounded by ``of`` (``PaymentFen``, ``FundFen``…) on the API."""
    return tables.column(BigInteger, default, bound=of, **kw)


def name_column(alias: Any = Name, length: int = 200) -> Any:
    return tables.column(String(length), bound=alias)


def literal(length: int, default: Any = ..., **kw: Any) -> Any:
    """A ``Literal`` of the contracts stored as a string column (SQLModel does not map ``Literal`` itself)."""
    return tables.column(String(length), default, **kw)


def created() -> Any:
    """The creation time of a funds row: set when the row is made; the funds tables have no column default (as migrated)."""
    return tables.created(column_default=False)


# ---- the API side: answers, examples, division code checks -------------------------------------

EX_VILLAGE = "440232100201"


EX_ID = "0192f0a4-7c3e-7000-8000-0000000000a1"


def model_config_of(**config: Any) -> Any:
    """A model config (``Any``: SQLModel types its config as its own ``SQLModelConfig``)."""
    return config


def examples(*items: dict[str, Any]) -> Any:
    return model_config_of(json_schema_extra={"examples": list(items)})


class Public(SQLModel):
    """Base of the answers: every field is always in the answer, so the schema lists each as required."""

    model_config = model_config_of(json_schema_serialization_defaults_required=True)


def village_code_check(value: str | None) -> str | None:
    if value is not None:
        problem = division_code_problem(value)
        if problem:
            raise ValueError(f"invalid village code: {problem}")
    return value


def county_code_check(value: str) -> str:
    problem = division_code_problem(value, 6)
    if problem:
        raise ValueError(f"invalid county code: {problem}")
    return value

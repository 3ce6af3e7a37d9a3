"""Column helpers for the services' SQLModel tables: a field declared once gives the column and the API's bound.

Each service declares its own table base on a registry (and so a ``MetaData``) of its own; what
these helpers build is the same in every service: the column of a bounded field, the primary
key, the creation time, the values a create model shares with its table, and the CHECK
constraints that keep the API's date and year bounds in the database too.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined
from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from shared.bounds import DATE_MAX, DATE_MIN, YEAR_MAX, YEAR_MIN
from shared.sqltypes import UTCDateTime, utcnow


def column(sa_type: Any, default: Any = PydanticUndefined, *, bound: Any = None, **kwargs: Any) -> Any:
    """``sqlmodel.Field`` for a column whose bounds (and description) come from the field's annotated type.

    SQLModel's ``Field`` sets ``description=None`` explicitly, which would blank the description a
    bounded type from ``shared.bounds`` carries; here it is left unset unless given. ``bound`` (the
    field's alias, e.g. ``PaymentFen``) puts that alias's description on the field itself, where an
    optional field (``PaymentFen | None``) would otherwise keep it inside the union.
    """
    if kwargs.get("description") is None:
        kwargs["description"] = description_of(bound) if bound is not None else PydanticUndefined
    return Field(default, sa_type=sa_type, **kwargs)


def description_of(alias: Any) -> str | None:
    """The description an annotated bound (``PaymentFen``, ``Name``…) carries, the last one given."""
    described = [m.description for m in getattr(alias, "__metadata__", ()) if getattr(m, "description", None)]
    return described[-1] if described else None


def pk() -> Any:
    """A primary key column: an id of 36 characters (UUIDv7)."""
    return Field(sa_type=String(36), primary_key=True)


def created(*, column_default: bool = True) -> Any:
    """A creation time, set when the row is made (and, with ``column_default``, by the column default for bulk inserts)."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"default": utcnow} if column_default else {})


def shared_fields(data: BaseModel, base: type[SQLModel], *, exclude: set[str] | None = None) -> dict[str, Any]:
    """The values of the fields ``data`` (a create model) shares with its table, by the base that declares them."""
    return data.model_dump(include=set(base.model_fields) - (exclude or set()))


def in_window(name: str, *, low: str = DATE_MIN.isoformat(), nullable: bool = False) -> CheckConstraint:
    """``name`` lies in the policy's date window (from ``low``), as ``shared.bounds`` bounds it in the API."""
    sql = f"{name} BETWEEN '{low}' AND '{DATE_MAX.isoformat()}'"
    return CheckConstraint(f"{name} IS NULL OR {sql}" if nullable else sql, name=f"{name}_window")


def year_window(name: str) -> CheckConstraint:
    """``name`` is null or a year the API accepts."""
    return CheckConstraint(f"{name} IS NULL OR {name} BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name=f"{name}_window")

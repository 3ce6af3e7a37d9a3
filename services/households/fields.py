"""The households service's table base and the field types its tables and API share.

``HouseholdsTable`` is a SQLModel base on a registry (and so a ``MetaData``) of its own: the
households tables, and the infrastructure tables every service database holds, are all there
and nowhere else (``SQLModel.metadata`` stays empty). A field declared once on a shared base
(``models.py``) gives the column (``column(sa_type, ...)``) and the API's bound (its type, from
``shared/bounds.py``) at the same time.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Strict
from pydantic import Field as PydanticField
from pydantic_core import PydanticUndefined
from sqlalchemy import CheckConstraint, MetaData, String
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.bounds import DATE_MAX, DATE_MIN, YEAR_MAX, YEAR_MIN, text
from shared.db import NAMING, UTCDateTime, utcnow
from shared.outbox import define_infrastructure_tables
from shared.pii import CitizenId, PhoneNumber

metadata = MetaData(naming_convention=NAMING, info={"service": "households"})
define_infrastructure_tables(metadata)


class HouseholdsTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every households table (``table=True`` subclasses land in ``metadata``, not SQLModel's global one)."""


def column(sa_type: Any, default: Any = PydanticUndefined, **kwargs: Any) -> Any:
    """``sqlmodel.Field`` for a column whose bounds (and description) come from the field's annotated type.

    SQLModel's ``Field`` sets ``description=None`` explicitly, which would blank the description a
    bounded type from ``shared.bounds`` carries; here it is left unset unless given.
    """
    kwargs.setdefault("description", PydanticUndefined)
    return Field(default, sa_type=sa_type, **kwargs)


def pk() -> Any:
    """A primary key column: an id of 36 characters (UUIDv7)."""
    return Field(sa_type=String(36), primary_key=True)


def created() -> Any:
    """A creation time, set when the row is made (and by the column default for bulk inserts)."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"default": utcnow})


def shared_fields(data: BaseModel, base: type[SQLModel], *, exclude: set[str] | None = None) -> dict[str, Any]:
    """The values of the fields ``data`` (a create model) shares with its table, by the base that declares them."""
    return data.model_dump(include=set(base.model_fields) - (exclude or set()))


def today() -> date:
    return date.today()


# The API's bounds, kept by the database too (migration b7c1d2e3f4a5): nothing written another way
# can put a year-1 date or an int64-sized wage into a projection.


def in_window(name: str, *, low: str = DATE_MIN.isoformat(), nullable: bool = False) -> CheckConstraint:
    sql = f"{name} BETWEEN '{low}' AND '{DATE_MAX.isoformat()}'"
    return CheckConstraint(f"{name} IS NULL OR {sql}" if nullable else sql, name=f"{name}_window")


def year_window(name: str) -> CheckConstraint:
    return CheckConstraint(f"{name} IS NULL OR {name} BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name=f"{name}_window")


VillageCategory = Literal["province_poor", "relatively_poor_dongguan", "relatively_poor_shaoguan", "scattered_poor"]
Relation = Literal["head", "spouse", "child", "parent", "grandchild", "sibling", "other"]
Sex = Literal["male", "female"]

# Bounded text of the registry.
VillageName = text(100, description="a village or township name")
UnitName = text(200, description="a unit's name")
Reason = text(300, description="why")
Address = text(300, description="an address")
Post = text(100, description="a post (岗位)")
HouseholdNumber = text(40, description="the household number (户编号)")
# An id another object is referred to by (UUIDv7, 36 characters); unknown or out-of-scope ids are a 422.
Ref = text(64, description="an id")
VillageCode = Annotated[str, Strict(), PydanticField(pattern=r"^[0-9]{12}$", description="12-digit statistical division code")]
IdNumber = Annotated[CitizenId, Strict(), PydanticField(min_length=1, max_length=32)]
Phone = Annotated[PhoneNumber, Strict(), PydanticField(min_length=1, max_length=32)]
MAX_MEMBERS = 50  # more people than any household the registry holds
MAX_HELPERS = 50

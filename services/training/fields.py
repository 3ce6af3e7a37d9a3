"""The training service's table base and the field types its tables and API share.

``TrainingTable`` is a SQLModel base on a registry (and so a ``MetaData``) of its own: the training
tables and the infrastructure tables every service database holds are there and nowhere else
(``SQLModel.metadata`` stays empty). A field declared once on a shared base (``models.py``) gives
the column (``column(sa_type, ...)``) and the API's bound (its type, from ``shared/bounds.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Strict
from pydantic import Field as PydanticField
from pydantic_core import PydanticUndefined
from sqlalchemy import CheckConstraint, MetaData, String
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.training.domain import COURSE_INDUSTRIES
from shared.bounds import DATE_MAX, DATE_MIN, YEAR_MAX, YEAR_MIN, PolicyDate, text
from shared.db import NAMING, UTCDateTime, utcnow
from shared.outbox import define_infrastructure_tables

metadata = MetaData(naming_convention=NAMING, info={"service": "training"})
define_infrastructure_tables(metadata)


class TrainingTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every training table (``table=True`` subclasses land in ``metadata``, not SQLModel's global one)."""


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


def this_year() -> int:
    return date.today().year


# The API's bounds, kept by the database too (migration c8d2e3f4a5b6): a certificate of year 1
# can no longer fan out into two thousand yearly compliance rows.


def in_window(name: str, *, nullable: bool = False) -> CheckConstraint:
    sql = f"{name} BETWEEN '{DATE_MIN.isoformat()}' AND '{DATE_MAX.isoformat()}'"
    return CheckConstraint(f"{name} IS NULL OR {sql}" if nullable else sql, name=f"{name}_window")


def year_window(name: str) -> CheckConstraint:
    return CheckConstraint(f"{name} IS NULL OR {name} BETWEEN {YEAR_MIN} AND {YEAR_MAX}", name=f"{name}_window")


CourseIndustry = Literal[*COURSE_INDUSTRIES]  # type: ignore[valid-type]  # built from the domain's tuple
Level = Literal["primary", "intermediate", "advanced"]
VenueKind = Literal["industry_project_area", "ecommerce_platform", "employment_base", "entrepreneurship_base", "classroom"]

Post = text(100, description="the post (岗位) the course prepares for")
Skill = text(100, description="the practical skill certified")
Trainer = text(100, description="the trainer(s)")
# An id another object is referred to by; unknown or out-of-scope ids are a 422 naming the field.
Ref = text(64, description="an id")
StandardDays = Annotated[int, Strict(), PydanticField(ge=1, le=365, description="standard length in days, 1 … 365")]
CountyCode = Annotated[str, Strict(), PydanticField(max_length=6)]
RegionCode = Annotated[str, Strict(), PydanticField(max_length=12, description="the county (6), township (9) or village (12 digits) where it is held")]
MAX_MEMBERS_PER_CALL = 500


def _not_future(value: date) -> date:
    if value > date.today():
        raise ValueError("date is in the future")
    return value


PastPolicyDate = Annotated[PolicyDate, AfterValidator(_not_future)]

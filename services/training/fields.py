"""The training service's table base and the field types its tables and API share.

``TrainingTable`` is a SQLModel base on a registry (and so a ``MetaData``) of its own: the training
tables and the infrastructure tables every service database holds are there and nowhere else
(``SQLModel.metadata`` stays empty). A field declared once on a shared base (``models.py``) gives
the column (``column(sa_type, ...)``) and the API's bound (its type, from ``shared/bounds.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, Strict
from pydantic import Field as PydanticField
from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from services.training.domain import COURSE_INDUSTRIES
from shared.bounds import PolicyDate, text
from shared.db import NAMING
from shared.outbox import define_infrastructure_tables
from shared.tables import column, created, in_window, pk, shared_fields, year_window  # noqa: F401 - the service's models import them from here

metadata = MetaData(naming_convention=NAMING, info={"service": "training"})
define_infrastructure_tables(metadata)


class TrainingTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every training table (``table=True`` subclasses land in ``metadata``, not SQLModel's global one)."""


def this_year() -> int:
    return date.today().year


# The API's bounds are kept by the database too (`in_window`, `year_window`; migration c8d2e3f4a5b6): a certificate of year 1
# can no longer fan out into two thousand yearly compliance rows.


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

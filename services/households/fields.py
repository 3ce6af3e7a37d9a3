"""The households service's table base and the field types its tables and API share.

``HouseholdsTable`` is a SQLModel base on a registry (and so a ``MetaData``) of its own: the
households tables, and the infrastructure tables every service database holds, are all there
and nowhere else (``SQLModel.metadata`` stays empty). A field declared once on a shared base
(``models.py``) gives the column (``column(sa_type, ...)``) and the API's bound (its type, from
``shared/bounds.py``) at the same time.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field as PydanticField
from pydantic import Strict
from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from shared.bounds import text
from shared.db import NAMING
from shared.outbox import define_infrastructure_tables
from shared.pii import CitizenId, PhoneNumber
from shared.tables import column, created, in_window, pk, shared_fields, year_window  # noqa: F401 - the service's models import them from here

metadata = MetaData(naming_convention=NAMING, info={"service": "households"})
define_infrastructure_tables(metadata)


class HouseholdsTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every households table (``table=True`` subclasses land in ``metadata``, not SQLModel's global one)."""


def today() -> date:
    return date.today()


# The API's bounds are kept by the database too (`in_window`, `year_window`; migration b7c1d2e3f4a5): nothing written another way
# can put a year-1 date or an int64-sized wage into a projection.


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

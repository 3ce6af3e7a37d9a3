"""Tables of entities: each shares its API fields through a ``*Base`` (see ``services/funds/base.py``)."""

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from services.funds.base import MAX_VILLAGES, Code, FundsTable, code, created, key, literal, name_column
from shared.bounds import Name
from shared.events.funds import EntityKind


class EntityBase(SQLModel):
    name: Name = name_column()
    kind: EntityKind = literal(40)
    credit_code: str = Field(max_length=18, unique=True, description="unified social credit code (GB 32100), 18 characters with check character")
    county_code: Code = code(6, index=True)
    village_codes: list[Code] = Field(default_factory=list, max_length=MAX_VILLAGES, sa_type=JSON)


class Entity(EntityBase, FundsTable, table=True):
    __tablename__ = "entity"

    id: str = key()
    created_at: datetime = created()

"""The oversight service's table base: a SQLModel registry (and so a ``MetaData``) of its own, with the infrastructure tables."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

from shared.db import NAMING
from shared.outbox import define_infrastructure_tables

metadata = MetaData(naming_convention=NAMING, info={"service": "oversight"})
define_infrastructure_tables(metadata)


class OversightTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every oversight table (``table=True`` subclasses land in ``metadata``, not SQLModel's global one)."""

"""Tables of assets: each shares its API fields through a ``*Base`` (see ``services/funds/base.py``)."""

from datetime import date

from sqlmodel import Field, SQLModel

from services.funds.base import Code, FundsTable, Id, code, fen, fund_fen, key, name_column, payment_fen, ref
from shared.bounds import FundFen, Name, PolicyDate


class AssetBase(SQLModel):
    name: Name = name_column()
    village_code: Code = code(index=True)
    value_fen: FundFen = fen(of=FundFen)
    allocation_id: Id = ref(foreign_key="allocation.id", description="the allocation of special or assistance funds it was built with")
    built_on: PolicyDate


class Asset(AssetBase, FundsTable, table=True):
    __tablename__ = "asset"
    __table_args__ = (fund_fen("value_fen"), payment_fen("annual_fee_fen", low=0, nullable=True))

    id: str = key()
    fund_id: str = ref()
    # Current handover (contracting / lease / trusteeship) to an entity.
    handover_mode: str | None = Field(default=None, max_length=20)
    entity_id: str | None = ref(index=True, default=None)
    annual_fee_fen: int | None = fen(None)
    handover_start: date | None = None
    handover_end: date | None = None
    property_rights_to_collective: bool = False
    management_rights_to_collective: bool = False

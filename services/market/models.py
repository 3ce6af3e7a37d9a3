"""Every table of the market service, from its aggregate's package: importing this module registers them all
on ``MarketTable``'s MetaData (Alembic's target, and the test that the migrations equal the models)."""

from services.market.base import MarketTable, col, table_of
from services.market.contracts.models import Delivery, OrderContract
from services.market.known import KnownEntity, KnownHousehold, KnownVillage
from services.market.linkage.models import ColdChainFacility, Coverage, DirectSupplyChannel, EcommercePoint, ShowcaseWindow
from services.market.orders.models import OrderFill, PartnerOrder, PartnerOrderLine, WebhookMessage
from services.market.partners.models import Partner, PartnerSecret

Base = MarketTable  # the name the market's callers (and its tests) know the tables' base by
metadata = MarketTable.metadata

__all__ = [
    "Base",
    "MarketTable",
    "metadata",
    "col",
    "table_of",
    "KnownVillage",
    "KnownHousehold",
    "KnownEntity",
    "Partner",
    "PartnerSecret",
    "WebhookMessage",
    "PartnerOrder",
    "PartnerOrderLine",
    "OrderFill",
    "OrderContract",
    "Delivery",
    "DirectSupplyChannel",
    "ShowcaseWindow",
    "EcommercePoint",
    "ColdChainFacility",
    "Coverage",
]

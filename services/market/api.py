"""HTTP routes of the market service: one router per aggregate, each in its package's ``api.py``."""

from __future__ import annotations

from services.market.contracts import api as contracts
from services.market.linkage import api as linkage
from services.market.orders import api as orders
from services.market.partners import api as partners

# The public webhook router first (partners sign, they hold no token), then as the document lists them.
routers = [orders.public_router, partners.router, orders.router, contracts.router, linkage.router]

"""HTTP routes of the funds service: one router per aggregate, each in its package's ``api.py``."""

from __future__ import annotations

from services.funds.allocations import api as allocations
from services.funds.assets import api as assets
from services.funds.disbursement import api as disbursement
from services.funds.distributions import api as distributions
from services.funds.entities import api as entities
from services.funds.land import api as land
from services.funds.lineage import api as lineage
from services.funds.microcredit import api as microcredit
from services.funds.projects import api as projects
from services.funds.subsidies import api as subsidies

routers = [
    allocations.router,
    disbursement.router,
    entities.router,
    projects.router,
    assets.router,
    distributions.router,
    land.router,
    subsidies.router,
    microcredit.router,
    lineage.router,
]

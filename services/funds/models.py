"""Every table of the funds service, from its aggregate's package: importing this module registers them all
on ``metadata`` (Alembic's target and the test that the migrations equal the models)."""

from services.funds.allocations.models import Allocation, Fund
from services.funds.assets.models import Asset
from services.funds.base import FundsTable, metadata
from services.funds.disbursement.models import PaymentRequest
from services.funds.distributions.models import Distribution, Reversal
from services.funds.entities.models import Entity
from services.funds.land.models import LandTransfer, LeaseBack
from services.funds.lineage.models import IncomePayment, KnownHousehold, KnownMember
from services.funds.microcredit.models import Loan
from services.funds.projects.models import Agreement, Funding, Project, QuantifiedShare
from services.funds.subsidies.models import Subsidy

__all__ = [
    "FundsTable",
    "metadata",
    "KnownMember",
    "KnownHousehold",
    "IncomePayment",
    "Fund",
    "Allocation",
    "Entity",
    "Project",
    "Funding",
    "Agreement",
    "QuantifiedShare",
    "Asset",
    "Distribution",
    "Reversal",
    "LandTransfer",
    "LeaseBack",
    "Subsidy",
    "Loan",
    "PaymentRequest",
]

"""Facts the ledger records of its own: the return-to-poverty monitoring lifecycle and production costs.

The ledger derives early-warning flags from the other services' facts (``services/ledger/monitoring``);
what people then do about a household — identify it as a monitoring object (监测对象), assist it,
propose and approve that its risk is removed (风险消除, maker-checker) — are decisions, recorded here.
A production cost recorded against order income lets the ledger report business income net.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from shared.events.contracts import EventData, contract

_CASE = "0192f0a4-7c3e-7000-8000-0000000a5e01"
_H = "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f"
_V = "440232100201"

FlagKind = Literal[
    "below_line",
    "near_line",
    "income_drop",
    "no_income",
    "order_contract_expired",
    "employment_ended",
    "loan_overdue",
    "lease_back_ended",
    "asset_income_stopped",
    "training_run_broken",
]


@contract("ledger", "monitoring_case_identified", 1, subject="case_id")
class MonitoringCaseIdentified(EventData):
    """A household was identified as a monitoring object (监测对象), citing the early-warning flags behind it."""

    case_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    flags: list[str] = Field(description="the flag ids cited (kind:household:subject), as the monitoring list showed them")
    kinds: list[FlagKind]
    identified_on: date
    note: str | None = None
    example = {
        "case_id": _CASE,
        "household_id": _H,
        "village_code": _V,
        "flags": [f"employment_ended:{_H}:0192f0a4-7c3e-7000-8000-0000000e0001"],
        "kinds": ["employment_ended"],
        "identified_on": "2026-12-01",
        "note": "务工中断，收入下降",
    }


@contract("ledger", "monitoring_case_assisted", 1, subject="case_id")
class MonitoringCaseAssisted(EventData):
    """An assistance measure (帮扶措施) was taken for a monitoring object."""

    case_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    measure: str
    assisted_on: date
    example = {"case_id": _CASE, "household_id": _H, "village_code": _V, "measure": "安排公益性岗位", "assisted_on": "2026-12-05"}


@contract("ledger", "monitoring_risk_removal_proposed", 1, subject="case_id")
class MonitoringRiskRemovalProposed(EventData):
    """Someone proposed that a monitoring object's risk is removed (风险消除); another person must approve it."""

    case_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    proposed_on: date
    note: str | None = None
    example = {"case_id": _CASE, "household_id": _H, "village_code": _V, "proposed_on": "2027-03-01", "note": "连续三个月务工收入稳定"}


@contract("ledger", "monitoring_risk_removed", 1, subject="case_id")
class MonitoringRiskRemoved(EventData):
    """A second person approved the risk removal: the case closes and the flags raised on or before this day are cleared."""

    case_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    proposed_by: str
    removed_on: date
    example = {"case_id": _CASE, "household_id": _H, "village_code": _V, "proposed_by": "cadre-0001", "removed_on": "2027-03-03"}


@contract("ledger", "production_cost_recorded", 1, subject="cost_id")
class ProductionCostRecorded(EventData):
    """A production cost (seed, feed, fertiliser …) recorded against a household's order income, so its business income is net.

    A negative amount reverses an earlier cost (``reverses_cost_id``).
    """

    cost_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    amount_fen: int
    occurred_on: date
    contract_id: str | None = None
    item: str
    reverses_cost_id: str | None = None
    example = {
        "cost_id": "0192f0a4-7c3e-7000-8000-0000000c0571",
        "household_id": _H,
        "village_code": _V,
        "amount_fen": 60_000,
        "occurred_on": "2026-04-10",
        "contract_id": "0192f0a4-7c3e-7000-8000-00000000c001",
        "item": "茶苗与肥料",
        "reverses_cost_id": None,
    }

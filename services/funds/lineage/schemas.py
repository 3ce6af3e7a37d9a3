"""What the lineage routes take (``*In``, the create models) and answer (``*Out``, the public models), on the tables' bases."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from services.funds.assets.schemas import AssetOut
from services.funds.base import EX_ID, EX_VILLAGE, Public, examples
from services.funds.distributions.schemas import DistributionOut
from services.funds.projects.schemas import ProjectOut
from shared.events.funds import FundKind
from shared.events.households import PovertyStatus
from shared.events.income import BenefitType


class KnownHouseholdOut(Public):
    """What the funds service knows of a household (learnt from the households service's facts)."""

    model_config = examples({"id": EX_ID, "village_code": EX_VILLAGE, "poverty_status": "registered_poor", "left_on": None, "takes_poor_portion": True})

    id: str
    village_code: str
    poverty_status: PovertyStatus
    left_on: date | None
    takes_poor_portion: bool = Field(description="whether a distribution's poor households' portion reaches it")


class IncomePaymentOut(Public):
    """One income line paid to a household, with every lineage reference known."""

    model_config = examples(
        {
            "id": EX_ID,
            "household_id": EX_ID,
            "village_code": EX_VILLAGE,
            "benefit_type": "equity_dividend",
            "amount_fen": 200_000,
            "occurred_on": "2026-12-31",
            "units": 10,
            "lineage": {"fund_id": EX_ID, "allocation_id": EX_ID, "project_id": EX_ID, "agreement_id": EX_ID, "distribution_id": EX_ID, "entity_id": EX_ID},
        }
    )

    id: str
    household_id: str
    village_code: str
    benefit_type: BenefitType
    amount_fen: int
    occurred_on: date
    units: int | None
    lineage: dict[str, str]
    reverses_line_id: str | None = Field(None, description="set on a reversing (negative) line: the line it reverses")
    reversal_id: str | None = None


class FundLink(Public):
    fund_id: str
    fund_kind: FundKind | None = Field(description="the fund's kind; null only if its allocation is not in this database")
    allocation_id: str
    amount_fen: int = Field(strict=True, description="what this allocation put into the project or asset")


class DistributionLineage(Public):
    """fund → allocation → project/asset/agreement → distribution → households."""

    model_config = examples(
        {
            "distribution": DistributionOut.model_config["json_schema_extra"]["examples"][0],
            "funds": [{"fund_id": EX_ID, "fund_kind": "provincial_special", "allocation_id": EX_ID, "amount_fen": 50_000_000}],
            "project": None,
            "asset": None,
            "payments": [],
        }
    )

    distribution: DistributionOut
    funds: list[FundLink]
    project: ProjectOut | None
    asset: AssetOut | None
    payments: list[IncomePaymentOut]


class ReachLine(Public):
    """A household the fund reached, with its card (lineage/cards.py), as the households and ledger reads show it."""

    household_id: str
    household_number: str | None = Field(description="the household number (户编号); null until the registry's fact has reached funds")
    head_name: str | None = Field(description="the head's (户主) name as the registry last said it; null until a head is named")
    village_code: str = Field(description="the village the household's lines were paid in")
    amount_fen: int


class ReachVillage(Public):
    village_code: str
    household_count: int
    amount_fen: int


class ReachProject(Public):
    """A project or asset the fund financed, and what of its income the fund's part reached."""

    project_id: str | None
    asset_id: str | None
    name: str | None
    entity_id: str | None = Field(description="the operating entity that runs the project (its use right, R9)")
    village_code: str | None
    household_count: int
    amount_fen: int


class ReachEntity(Public):
    entity_id: str
    name: str | None
    household_count: int
    amount_fen: int


class FundReach(Public):
    """The villages, projects, entities and households a fund reached and how much, attributed by each allocation's part of the project or asset.

    ``villages``, ``projects`` and ``entities`` are whole (a fund finances a bounded number of them);
    ``households`` is a page, by household id, of the households the caller may read (their village is in the
    caller's region), each with its number and head's name: pass ``next_cursor`` back as ``cursor``. The totals
    count every household reached; ``out_of_scope_household_count`` says how many of them are not listed.
    """

    model_config = examples(
        {
            "fund_id": EX_ID,
            "total_fen": 600_000,
            "household_count": 1,
            "villages": [{"village_code": EX_VILLAGE, "household_count": 1, "amount_fen": 600_000}],
            "projects": [
                {
                    "project_id": EX_ID,
                    "asset_id": None,
                    "name": "必背村茶叶基地",
                    "entity_id": EX_ID,
                    "village_code": EX_VILLAGE,
                    "household_count": 1,
                    "amount_fen": 600_000,
                }
            ],
            "entities": [{"entity_id": EX_ID, "name": "乳源瑶族自治县必背茶叶专业合作社", "household_count": 1, "amount_fen": 600_000}],
            "households": [
                {"household_id": EX_ID, "household_number": "4402321002010001", "head_name": "邓某某", "village_code": EX_VILLAGE, "amount_fen": 600_000}
            ],
            "out_of_scope_household_count": 0,
            "next_cursor": None,
        }
    )

    fund_id: str
    total_fen: int
    household_count: int
    villages: list[ReachVillage] = Field(description="every village reached, by code")
    projects: list[ReachProject] = Field(description="every project or asset the fund financed whose income reached households, largest first")
    entities: list[ReachEntity] = Field(description="the operating entities of those projects, largest first")
    households: list[ReachLine] = Field(description="a page of the households reached that the caller may read, by household id")
    out_of_scope_household_count: int = Field(description="households reached in villages outside the caller's region: in the totals, never listed")
    next_cursor: str | None = Field(description="the next page of households; null on the last")

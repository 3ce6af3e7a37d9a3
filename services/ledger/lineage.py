"""Which fund paid an income line: the funds side of the ledger's facts (funds, allocations, projects, entities, agreements).

Only distribution income names its fund itself; other lines name an allocation, a project, an
agreement or only the entity that paid them (wages, orders). ``funds_of_line`` follows the nearest
link the facts give: the line's own fund, its allocation's, its project's funding (named directly or
through its agreement), then the funded projects of the entity it names. One statement loads a
county's funds facts (``county_sources``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger.models import PolicyFact, col

FUNDS_FACTS = ("fund_received", "allocation_recorded", "project_registered", "entity_registered", "entity_updated", "agreement_signed")
FundVia = Literal["line", "allocation", "project", "entity"]


class Sources:
    """The funds side as the ledger knows it: names, and the chain allocation → fund, project → allocations, entity → projects."""

    def __init__(self, facts: list[PolicyFact]) -> None:
        self.names: dict[str, str] = {}
        self.allocation_fund: dict[str, str] = {}
        self.project_allocations: dict[str, list[str]] = {}
        self.project_entity: dict[str, str] = {}
        self.entity_projects: dict[str, list[str]] = defaultdict(list)
        self.agreement_project: dict[str, str] = {}
        for f in facts:
            d = f.data or {}
            if f.fact == "fund_received" and d.get("fund_id"):
                self.names[str(d["fund_id"])] = str(d.get("name") or "")
            elif f.fact == "allocation_recorded" and d.get("allocation_id") and d.get("fund_id"):
                self.allocation_fund[str(d["allocation_id"])] = str(d["fund_id"])
            elif f.fact == "project_registered" and d.get("project_id"):
                pid = str(d["project_id"])
                self.names[pid] = str(d.get("name") or "")
                self.project_allocations[pid] = [str(a) for a in d.get("funded_by") or []]
                if d.get("entity_id"):
                    self.project_entity[pid] = str(d["entity_id"])
                    self.entity_projects[str(d["entity_id"])].append(pid)
            elif f.fact in ("entity_registered", "entity_updated") and d.get("entity_id"):
                self.names[str(d["entity_id"])] = str(d.get("name") or "")
            elif f.fact == "agreement_signed" and d.get("agreement_id") and d.get("project_id"):
                self.agreement_project[str(d["agreement_id"])] = str(d["project_id"])

    def name(self, ref: str | None) -> str | None:
        return self.names.get(ref) if ref else None

    def _project_funds(self, project_id: str) -> list[str]:
        return [self.allocation_fund[a] for a in self.project_allocations.get(project_id, []) if a in self.allocation_fund]


def funds_of_line(lineage: dict[str, str], sources: Sources) -> tuple[list[str], FundVia | None]:
    """The funds that paid an income line, and how the ledger knows: ``line``, ``allocation``, ``project`` or ``entity``.

    The nearest link the facts give wins: a line's own fund, then its allocation's, then its project's
    (named directly or through its agreement), then those of the projects its entity operates.
    """
    if lineage.get("fund_id"):
        return [lineage["fund_id"]], "line"
    allocation = lineage.get("allocation_id")
    if allocation and allocation in sources.allocation_fund:
        return [sources.allocation_fund[allocation]], "allocation"
    project = lineage.get("project_id") or sources.agreement_project.get(lineage.get("agreement_id") or "")
    if project:
        funds = sources._project_funds(project)
        if funds:
            return sorted(set(funds)), "project"
    entity = lineage.get("entity_id")
    if entity:
        funds = [f for p in sources.entity_projects.get(entity, []) for f in sources._project_funds(p)]
        if funds:
            return sorted(set(funds)), "entity"
    return [], None


async def county_sources(session: AsyncSession, county: str) -> Sources:
    """The funds facts of a county (and those that name no county): one statement."""
    rows = await session.execute(
        select(PolicyFact)
        .where(col(PolicyFact.fact).in_(FUNDS_FACTS), or_(col(PolicyFact.county_code) == county, col(PolicyFact.county_code).is_(None)))
        .order_by(col(PolicyFact.recorded_at), col(PolicyFact.event_id))
    )
    return Sources(list(rows.scalars()))

"""The household file (户档案) in one request: members, labour, R7 status, employment, the year's income by type,
by month and by source (fund, entity, project, agreement).

Five statements whatever the household's size: the household (1), its size at the year's end (1), its
members', employment and training facts (1), its income entries of the year (1), and the county's funds
facts that name the sources (funds, allocations, projects, entities, agreements) (1). The figures are the
ledger's own: ``by_type``/``total_fen``/``per_capita_fen`` are ``/households/{id}/income?year=``'s, each
month's are ``?month=``'s, and a labourer's R7 verdict is ``indicators.training_compliant``'s, as the
village's R7 indicator judges it.

A source names the fund that paid it (``fund_via``): the line's own ``fund_id`` (``line``), its
allocation's fund (``allocation``), the funds that financed its project (``project``), or, for a line
that names only an entity (wages, orders), the funds behind that entity's funded projects (``entity``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from policy.settings import thresholds
from services.ledger import domain, indicators, service
from services.ledger.lineage import county_sources, funds_of_line
from services.ledger.models import IncomeEntry, PolicyFact, col
from services.ledger.views.schemas import FileEmployment, FileMember, FileTraining, HouseholdFile, IncomeSource, MonthIncome
from shared.auth import Principal
from shared.events.households import PovertyStatus
from shared.events.income import BENEFIT_TYPES, BenefitType
from shared.events.training import CertificateIssued, LabourerComplianceChanged, SessionCompleted

PERSON_FACTS = (
    "member_registered",
    "member_updated",
    "member_left",
    "employment_started",
    "employment_ended",
    "labourer_compliance_changed",
    "session_completed",
    "certificate_issued",
)
SOURCE_KEYS = ("fund_id", "allocation_id", "project_id", "entity_id", "agreement_id", "distribution_id")


def _members(facts: list[PolicyFact], year: int, head: str | None) -> list[FileMember]:
    people: dict[str, dict[str, Any]] = {}
    left: dict[str, date] = {}
    jobs: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in facts:
        d = dict(f.data or {})
        by_name[f.fact].append(d | {"event_id": f.event_id})
        mid = str(d.get("member_id") or "")
        if f.fact in ("member_registered", "member_updated"):
            people[mid] = people.get(mid, {}) | {k: v for k, v in d.items() if v is not None}
        elif f.fact == "member_left" and d.get("effective_on"):
            left[mid] = date.fromisoformat(str(d["effective_on"]))
        elif f.fact in ("employment_started", "employment_ended") and d.get("employment_id"):
            jobs[mid][str(d["employment_id"])] = jobs[mid].get(str(d["employment_id"]), {}) | {k: v for k, v in d.items() if v is not None}
    facts_of = domain.Facts(by_name=dict(by_name), known=service._published() | frozenset(by_name), year=year)
    t = thresholds()
    compliance = {c.member_id: c for _, c in facts_of.typed(LabourerComplianceChanged) if c.year == year}
    sessions: dict[str, list[int]] = defaultdict(list)
    for _, s in facts_of.typed(SessionCompleted):
        if s.year == year:
            sessions[s.member_id].append(s.days_attended)
    skilled = {c.member_id for _, c in facts_of.typed(CertificateIssued) if c.certified_on.year <= year}
    out = []
    for mid, m in people.items():
        labourer = m.get("labour_capacity") in ("full", "partial") and mid not in left
        training = None
        if labourer:
            verdict = compliance.get(mid)
            judged = indicators.training_compliant(mid, facts_of, t)
            status = verdict.status if verdict else ("compliant" if judged else "behind" if judged is False else None)
            training = FileTraining(
                status=status,
                sessions=len(sessions.get(mid, [])),
                counted_sessions=verdict.counted_sessions if verdict else sum(1 for d in sessions.get(mid, []) if d >= t.r7_days_per_session),
                consecutive_years=verdict.consecutive_years if verdict else None,
                has_skill=verdict.has_skill if verdict else mid in skilled,
                sessions_required=t.r7_sessions_per_year,
            )
        out.append(
            FileMember(
                member_id=mid,
                name=str(m.get("name") or ""),
                relation="head" if mid == head else m.get("relation"),
                sex=m.get("sex"),
                birth_year=m.get("birth_year"),
                labour_capacity=m.get("labour_capacity"),
                wishes_to_work_away=bool(m.get("wishes_to_work_away")),
                is_party_member=bool(m.get("is_party_member")),
                is_village_cadre=bool(m.get("is_village_cadre")),
                joined_on=m.get("joined_on"),
                left_on=left.get(mid),
                labourer=labourer,
                training=training,
                employment=[
                    FileEmployment(
                        employment_id=eid,
                        entity_id=str(j.get("entity_id") or ""),
                        entity_name=None,
                        post=j.get("post"),
                        link=j.get("link"),
                        started_on=j.get("started_on"),
                        ended_on=j.get("ended_on"),
                    )
                    for eid, j in jobs.get(mid, {}).items()
                ],
            )
        )
    # The head first, then by joining date and id: the order of the registry's household card.
    out.sort(key=lambda m: (m.member_id != head, str(m.joined_on or ""), m.member_id))
    return out


async def household_file(*, session: AsyncSession, principal: Principal, household_id: str, year: int) -> HouseholdFile:
    start, end = service.period(year, None)
    household = await service._household(session, principal, household_id)
    members, labourers = (await service._sizes_at(session, [household_id], end)).get(household_id, (0, 0))
    cutoff = datetime.combine(end, time.min, tzinfo=UTC)
    person_facts = list(
        (
            await session.execute(
                select(PolicyFact)
                .where(
                    col(PolicyFact.village_code) == household.village_code,
                    col(PolicyFact.fact).in_(PERSON_FACTS),
                    col(PolicyFact.data)["household_id"].as_string() == household_id,
                    col(PolicyFact.recorded_at) < cutoff,
                )
                .order_by(col(PolicyFact.recorded_at), col(PolicyFact.event_id))
            )
        ).scalars()
    )
    entries = list(
        (
            await session.execute(
                select(IncomeEntry)
                .where(col(IncomeEntry.household_id) == household_id, col(IncomeEntry.occurred_on) >= start, col(IncomeEntry.occurred_on) < end)
                .order_by(col(IncomeEntry.occurred_on), col(IncomeEntry.event_id))
            )
        ).scalars()
    )
    sources = await county_sources(session, household.county_code)
    people = _members(person_facts, year, household.head_member_id)
    for person in people:
        for job in person.employment:
            job.entity_name = sources.name(job.entity_id)

    by_type = domain.by_type((e.benefit_type, e.amount_fen) for e in entries)
    total = sum(by_type.values())
    monthly: dict[int, list[tuple[str, int]]] = defaultdict(list)
    grouped: dict[tuple[str, ...], list[IncomeEntry]] = defaultdict(list)
    for e in entries:
        monthly[e.occurred_on.month].append((e.benefit_type, e.amount_fen))
        lineage = dict(e.lineage or {})
        grouped[(e.benefit_type, *(lineage.get(k) or "" for k in SOURCE_KEYS))].append(e)
    by_month = []
    for month in range(1, 13):
        month_types = domain.by_type(monthly.get(month, []))
        by_month.append(MonthIncome(month=month, by_type=month_types, total_fen=sum(month_types.values())))
    lines = []
    for key, group in grouped.items():
        refs = dict(zip(SOURCE_KEYS, key[1:], strict=True))
        lineage = {k: v for k, v in refs.items() if v}
        fund_ids, via = funds_of_line(lineage, sources)
        project = lineage.get("project_id") or sources.agreement_project.get(lineage.get("agreement_id", ""))
        entity = lineage.get("entity_id") or (sources.project_entity.get(project) if project else None)
        lines.append(
            IncomeSource(
                benefit_type=BenefitType(key[0]),
                amount_fen=sum(e.amount_fen for e in group),
                entries=len(group),
                first_on=group[0].occurred_on,
                last_on=group[-1].occurred_on,
                fund_ids=fund_ids,
                fund_names=[sources.name(f) or f for f in fund_ids],
                fund_via=via,
                entity_id=entity,
                entity_name=sources.name(entity),
                project_id=project,
                project_name=sources.name(project),
                agreement_id=lineage.get("agreement_id"),
                distribution_id=lineage.get("distribution_id"),
            )
        )
    lines.sort(key=lambda s: (BENEFIT_TYPES.index(s.benefit_type) if s.benefit_type in BENEFIT_TYPES else 99, -s.amount_fen))
    head = next((p.name for p in people if p.member_id == household.head_member_id), None)
    return HouseholdFile(
        household_id=household.household_id,
        household_number=household.household_number,
        village_code=household.village_code,
        county_code=household.county_code,
        poverty_status=cast(PovertyStatus, household.poverty_status),
        registered_on=household.registered_on,
        left_on=household.left_on,
        head_name=head,
        year=year,
        members=members,
        labourers=labourers,
        by_type=by_type,
        total_fen=total,
        per_capita_fen=domain.per_capita(total, members),
        by_month=by_month,
        sources=lines,
        people=people,
    )

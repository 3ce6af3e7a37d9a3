"""Employment and wage use cases (R13): keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from policy.employment import Hire, r13_poor_first
from services.households import domain
from services.households.employment import repository
from services.households.employment.models import Employment, EmploymentBase, KnownEntity, WageBase, WagePayment
from services.households.employment.schemas import EmploymentEndIn, EmploymentIn, EmploymentOut, EntityOut, WageIn, WageOut
from services.households.fields import shared_fields, today
from services.households.registry.models import Household, Member
from shared.auth import Principal, Role, can_read, ensure_readable, ensure_writable
from shared.errors import enforce
from shared.events.households import (
    EmploymentEnded,
    EmploymentStarted,
    WagePaid,
)
from shared.events.income import BenefitType, IncomeLine, Lineage
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import Conflict, InvalidInput, NotFound


async def start_employment(*, session: AsyncSession, principal: Principal, data: EmploymentIn) -> EmploymentOut:
    member = await session.get(Member, data.member_id)
    household = await session.get(Household, member.household_id) if member else None
    # A member outside the writer's scope is refused exactly as an unknown one (an entity operator
    # hires from any village, for its own entity only: ensure_writable below).
    if member is None or household is None or not (principal.role == Role.entity_operator or can_read(principal, region=household.village_code)):
        raise InvalidInput("成员不存在", detail_en=f"unknown member {data.member_id}", field="member_id")
    ensure_writable(principal, region=household.village_code, entity_id=data.entity_id)
    entity = await session.get(KnownEntity, data.entity_id)
    if entity is None or not entity_visible(principal, entity):
        raise InvalidInput("平台不认识该经营主体", detail_en=f"operating entity {data.entity_id} is not known to the platform", field="entity_id")
    if data.started_on > today():
        raise InvalidInput("务工开始日期不能晚于今天", detail_en="started_on is in the future", field="started_on")
    enforce(r13_poor_first(hire=Hire(data.started_on, member.joined_on, member.left_on, household.left_on)))
    # An employment starts open: ``ended_on`` is recorded by ``end_employment`` (with its checks), not here.
    employment = Employment(
        **shared_fields(data, EmploymentBase, exclude={"ended_on"}), id=new_id(), household_id=household.id, village_code=household.village_code
    )
    session.add(employment)
    await session.flush()
    emit(
        session,
        EmploymentStarted(
            employment_id=employment.id,
            member_id=member.id,
            household_id=household.id,
            village_code=household.village_code,
            entity_id=employment.entity_id,
            post=employment.post,
            link=data.link,
            started_on=employment.started_on,
        ),
    )
    return EmploymentOut.model_validate(employment)


async def load_employment(*, session: AsyncSession, principal: Principal, employment_id: str, write: bool = False) -> Employment:
    employment = await session.get(Employment, employment_id)
    if employment is None:
        raise NotFound("务工记录不存在", detail_en=f"employment {employment_id} not found")
    if write:
        ensure_writable(principal, region=employment.village_code, entity_id=employment.entity_id)
    ensure_readable(principal, region=employment.village_code, entity_id=employment.entity_id, what="务工记录")
    return employment


async def end_employment(*, session: AsyncSession, principal: Principal, employment_id: str, data: EmploymentEndIn) -> EmploymentOut:
    employment = await load_employment(session=session, principal=principal, employment_id=employment_id, write=True)
    if employment.ended_on is not None:
        raise Conflict("务工已结束", detail_en=f"the employment ended on {employment.ended_on}", code="employment_ended")
    domain.check_change_date(data.ended_on, not_before=employment.started_on, today=today(), field="ended_on")
    last_wage = (await session.execute(select(func.max(col(WagePayment.period_end))).where(WagePayment.employment_id == employment.id))).scalar()
    if last_wage is not None and data.ended_on < last_wage:
        raise InvalidInput("结束日期早于已报工资期间", detail_en=f"wages were reported up to {last_wage}", field="ended_on")
    employment.ended_on = data.ended_on
    employment.end_reason = data.reason
    await session.flush()
    emit(
        session,
        EmploymentEnded(
            employment_id=employment.id,
            member_id=employment.member_id,
            household_id=employment.household_id,
            village_code=employment.village_code,
            entity_id=employment.entity_id,
            ended_on=data.ended_on,
            reason=data.reason,
        ),
    )
    return EmploymentOut.model_validate(employment)


def _reporter(principal: Principal) -> str:
    if principal.role == Role.entity_operator:
        return "entity"
    if principal.role == Role.city_admin:
        return "city"
    return "village"


async def report_wage(*, session: AsyncSession, principal: Principal, data: WageIn) -> WageOut:
    employment = await session.get(Employment, data.employment_id)
    # Outside the writer's scope (another region, another entity) it is refused as if unknown.
    if employment is None or not can_read(principal, region=employment.village_code, entity_id=employment.entity_id):
        raise InvalidInput("务工记录不存在", detail_en=f"unknown employment {data.employment_id}", field="employment_id")
    ensure_writable(principal, region=employment.village_code, entity_id=employment.entity_id)
    domain.check_wage(
        amount_fen=data.amount_fen,
        period_start=data.period_start,
        period_end=data.period_end,
        paid_on=data.paid_on,
        started_on=employment.started_on,
        ended_on=employment.ended_on,
        today=today(),
    )
    payment = WagePayment(
        **shared_fields(data, WageBase),
        id=new_id(),
        member_id=employment.member_id,
        household_id=employment.household_id,
        village_code=employment.village_code,
        entity_id=employment.entity_id,
        reported_by=_reporter(principal),
    )
    session.add(payment)
    await session.flush()
    emit(
        session,
        WagePaid(
            payment_id=payment.id,
            employment_id=employment.id,
            member_id=employment.member_id,
            entity_id=employment.entity_id,
            period_start=payment.period_start,
            period_end=payment.period_end,
            reported_by=payment.reported_by,  # type: ignore[arg-type]  # the column holds one of the contract's three values (_reporter)
            income=IncomeLine(
                household_id=employment.household_id,
                village_code=employment.village_code,
                benefit_type=BenefitType.wage_labor,
                amount_fen=payment.amount_fen,
                occurred_on=payment.paid_on,
                lineage=Lineage(entity_id=employment.entity_id, employment_id=employment.id, payment_id=payment.id),
            ),
        ),
    )
    return WageOut.model_validate(payment)


def entity_visible(principal: Principal, entity: KnownEntity) -> bool:
    """An entity is seen by its own operator and by roles whose region covers its county or one of its villages."""
    if principal.entity_allows(entity.entity_id):
        return True
    return any(principal.region_allows(code) for code in [entity.county_code, *(entity.village_codes or [])] if code)


async def get_entity(*, session: AsyncSession, principal: Principal, entity_id: str) -> KnownEntity:
    entity = await session.get(KnownEntity, entity_id)
    if entity is None or not entity_visible(principal, entity):
        raise NotFound("经营主体未知", detail_en=f"operating entity {entity_id} is not known here")
    return entity


# ---- reads: each returns the schema the route answers -------------------------------------------


async def list_employments(
    *,
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    county: str | None,
    township: str | None,
    village: str | None,
    entity_id: str | None,
    household_id: str | None,
    member_id: str | None,
) -> Page[EmploymentOut]:
    stmt = repository.employments(
        principal, county=county, township=township, village=village, entity_id=entity_id, household_id=household_id, member_id=member_id
    )
    return await paginate(session, stmt, key=Employment.id, params=page, to_item=EmploymentOut.model_validate)


async def employment(*, session: AsyncSession, principal: Principal, employment_id: str) -> EmploymentOut:
    return EmploymentOut.model_validate(await load_employment(session=session, principal=principal, employment_id=employment_id))


async def list_wages(
    *, session: AsyncSession, principal: Principal, page: PageParams, employment_id: str | None, household_id: str | None, entity_id: str | None
) -> Page[WageOut]:
    stmt = repository.wages(principal, employment_id=employment_id, household_id=household_id, entity_id=entity_id)
    return await paginate(session, stmt, key=WagePayment.id, params=page, to_item=WageOut.model_validate)


async def entity(*, session: AsyncSession, principal: Principal, entity_id: str) -> EntityOut:
    return EntityOut.model_validate(await get_entity(session=session, principal=principal, entity_id=entity_id))

"""Lookups every funds aggregate uses: objects named by a write, in the writer's scope; the income line a payment books."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from services.funds import domain
from services.funds.entities.models import Entity
from services.funds.entities.repository import entity_visible
from services.funds.lineage.models import LINEAGE_FIELDS, IncomePayment, KnownHousehold, KnownMember
from shared.auth import Principal, can_read
from shared.events.income import BenefitType, IncomeLine, Lineage
from shared.ids import new_id
from shared.problems import InvalidInput, NotFound

# A write body naming an object the writer may not read is answered exactly as if the object did not exist
# (same status, message and field): the answer never tells whether it exists elsewhere. ``principal`` is
# given for ids taken from a request body, and omitted for ids read from a row already in scope.


T = TypeVar("T", bound=SQLModel)  # a table model


async def known_household(session: AsyncSession, household_id: str, *, principal: Principal | None = None, field: str = "household_id") -> KnownHousehold:
    household = await session.get(KnownHousehold, household_id)
    if household is None or (principal is not None and not can_read(principal, region=household.village_code)):
        raise InvalidInput("资金服务尚未获知该户", detail_en=f"household {household_id} is not known to the funds service", field=field)
    if household.left_on is not None:
        raise InvalidInput("该户已退出建档立卡", detail_en=f"household {household_id} left the registry", field=field)
    return household


async def registered_entity(session: AsyncSession, entity_id: str | None, *, principal: Principal | None = None, field: str = "entity_id") -> Entity:
    entity = await session.get(Entity, entity_id) if entity_id else None
    if entity is None or (principal is not None and not entity_visible(principal, entity)):
        raise InvalidInput("经营主体未登记", detail_en=f"operating entity {entity_id} is not registered", field=field)
    return entity


async def known_member(session: AsyncSession, member_id: str, *, principal: Principal, field: str) -> KnownMember:
    member = await session.get(KnownMember, member_id)
    if member is None or member.left_on is not None or not can_read(principal, region=member.village_code):
        raise InvalidInput("资金服务尚未获知该成员", detail_en=f"member {member_id} is not known to the funds service", field=field)
    return member


async def get_or_404(session: AsyncSession, model: type[T], object_id: str, what: str, *, lock: bool = False) -> T:
    """The object or 404; ``lock`` holds its row until commit (PostgreSQL), so checks on its totals do not race."""
    obj = await session.get(model, object_id, with_for_update=lock)
    if obj is None:
        raise NotFound(f"{what}不存在", detail_en=f"{model.__tablename__} {object_id} not found")
    return obj


def ordered(start: date, end: date, field: str) -> None:
    domain.check_dates_ordered(start, end, field=field)


def record_payment(
    session: AsyncSession,
    *,
    household: KnownHousehold,
    benefit_type: BenefitType,
    amount_fen: int,
    occurred_on: date,
    lineage: Lineage,
    units: int | None = None,
    period_year: int | None = None,
) -> tuple[str, IncomeLine]:
    """Keep the household's income line with its lineage and return it for the fact that pays it."""
    line_id = new_id()
    session.add(
        IncomePayment(
            id=line_id,
            household_id=household.id,
            village_code=household.village_code,
            benefit_type=str(benefit_type),
            amount_fen=amount_fen,
            occurred_on=occurred_on,
            units=units,
            period_year=period_year if period_year is not None else occurred_on.year,
            **{name: getattr(lineage, name) for name in LINEAGE_FIELDS},
        )
    )
    income = IncomeLine(
        household_id=household.id,
        village_code=household.village_code,
        benefit_type=benefit_type,
        amount_fen=amount_fen,
        occurred_on=occurred_on,
        lineage=lineage,
    )
    return line_id, income


async def paid_for_year(session: AsyncSession, *, year: int, benefit_type: BenefitType, **lineage: Any) -> int:
    """What was paid for ``year`` against one agreement (reversing lines included, so a reversal frees its amount)."""
    stmt = select(func.coalesce(func.sum(col(IncomePayment.amount_fen)), 0)).where(
        col(IncomePayment.period_year) == year, col(IncomePayment.benefit_type) == str(benefit_type), col(IncomePayment.subsidy_id).is_(None)
    )
    for name, value in lineage.items():
        stmt = stmt.where(getattr(IncomePayment, name) == value)
    return int((await session.execute(stmt)).scalar_one())

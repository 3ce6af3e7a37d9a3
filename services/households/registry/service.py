"""Household use cases: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from services.households import domain
from services.households.fields import shared_fields, today
from services.households.registry import repository
from services.households.registry.members import _id_number_unavailable, _member_registered, _new_member
from services.households.registry.models import Household, HouseholdBase, HouseholdStatus, Member, MemberCapacity
from services.households.registry.schemas import (
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    LeaveIn,
    StatusChangeIn,
)
from services.households.registry.views import _ensure_in_registry, household_view, load_household
from services.households.villages.models import Village
from shared.auth import Principal, ensure_writable
from shared.events.households import (
    HouseholdCorrected,
    HouseholdLeftRegistry,
    HouseholdRegistered,
    HouseholdStatusChanged,
)
from shared.ids import new_id
from shared.outbox import emit
from shared.pii import PiiVault
from shared.problems import Conflict, InvalidInput, NotFound


def check_initial_status(status: str, exit_year: int | None, registered_on: date, *, field: str = "exit_year") -> None:
    if status == "exited" and exit_year is None:
        raise InvalidInput("已脱贫户须填写脱贫年度", detail_en="an exited household needs its exit year", field=field)
    if exit_year is not None and (status != "exited" or exit_year > registered_on.year or exit_year < 2014):
        raise InvalidInput("脱贫年度不合理", detail_en="exit_year is given only for an exited household, between 2014 and the registration year", field=field)


def _heads_field(relations: Sequence[str]) -> str:
    heads = [i for i, r in enumerate(relations) if r == "head"]
    return f"members[{heads[1]}].relation" if len(heads) > 1 else "members"


async def register_household(*, session: AsyncSession, principal: Principal, vault: PiiVault, data: HouseholdIn) -> HouseholdOut:
    ensure_writable(principal, region=data.village_code)
    if await session.get(Village, data.village_code) is None:
        raise InvalidInput(f"村 {data.village_code} 未登记", detail_en=f"unknown village {data.village_code}", field="village_code")
    if data.registered_on > today():
        raise InvalidInput("登记日期不能晚于今天", detail_en="registered_on is in the future", field="registered_on")
    check_initial_status(data.poverty_status, data.exit_year, data.registered_on)
    if (await session.execute(select(Household.id).where(Household.household_number == data.household_number))).first():
        raise Conflict("户编号已存在", detail_en=f"household number {data.household_number} exists", field="household_number")
    for i, m in enumerate(data.members):
        domain.check_birth_date(m.birth_date, today(), field=f"members[{i}].birth_date")
    household = Household(**shared_fields(data, HouseholdBase), id=new_id())
    session.add(household)
    hashes = [vault.lookup_hash(m.id_number) for m in data.members]
    for i, h in enumerate(hashes):
        if h in hashes[:i]:
            raise InvalidInput("同一身份证号出现两次", detail_en="the same identity number appears twice", field=f"members[{i}].id_number")
    taken = await repository.taken_hashes(session, hashes)
    for i, h in enumerate(hashes):
        if h in taken:
            raise _id_number_unavailable(f"members[{i}].id_number")
    relations = [m.relation for m in data.members]
    domain.check_one_head(relations.count("head"), field=_heads_field(relations), members=len(relations))
    members = [_new_member(household.id, m, vault=vault, id_hash=hashes[i], joined_on=data.registered_on) for i, m in enumerate(data.members)]
    session.add_all(members)
    await session.flush()
    session.add(
        HouseholdStatus(id=new_id(), household_id=household.id, poverty_status=data.poverty_status, effective_on=data.registered_on, exit_year=data.exit_year)
    )
    session.add_all([MemberCapacity(id=new_id(), member_id=m.id, labour_capacity=m.labour_capacity, effective_on=m.joined_on) for m in members])
    await session.flush()
    emit(
        session,
        HouseholdRegistered(
            household_id=household.id,
            household_number=household.household_number,
            village_code=household.village_code,
            poverty_status=household.poverty_status,
            registered_on=household.registered_on,
            member_count=domain.household_size_on(members, household.registered_on),
            labour_count=domain.labour_count_on(members, household.registered_on),
        ),
    )
    for row in members:
        emit(session, _member_registered(row, household.village_code))
    return await household_view(session, household, vault=vault, principal=principal)


async def get_household(*, session: AsyncSession, principal: Principal, vault: PiiVault, household_id: str, as_of: date | None = None) -> HouseholdOut:
    household = await load_household(session=session, principal=principal, household_id=household_id)
    if as_of is not None and as_of < household.registered_on:
        raise NotFound("该日期该户尚未登记", detail_en=f"the household was not registered on {as_of} (registered {household.registered_on})")
    return await household_view(session, household, vault=vault, principal=principal, as_of=as_of)


async def correct_household(*, session: AsyncSession, principal: Principal, vault: PiiVault, household_id: str, data: HouseholdPatch) -> HouseholdOut:
    household = await load_household(session=session, principal=principal, household_id=household_id, write=True)
    changed = [f for f in data.model_dump(exclude_unset=True, exclude={"reason"})]
    if not changed:
        raise InvalidInput("没有要更正的内容", detail_en="nothing to change", field="body")
    household.address = data.address
    await session.flush()
    emit(session, HouseholdCorrected(household_id=household.id, village_code=household.village_code, changed=changed, address=data.address, reason=data.reason))
    return await household_view(session, household, vault=vault, principal=principal)


async def change_status(*, session: AsyncSession, principal: Principal, vault: PiiVault, household_id: str, data: StatusChangeIn) -> HouseholdOut:
    household = await load_household(session=session, principal=principal, household_id=household_id, write=True)
    _ensure_in_registry(household)
    statuses = await repository.status_history(session, household.id)
    last = statuses[-1].effective_on if statuses else household.registered_on
    domain.check_status_transition(
        household.poverty_status, data.poverty_status, effective_on=data.effective_on, last_effective_on=last, exit_year=data.exit_year, today=today()
    )
    previous = household.poverty_status
    household.poverty_status = data.poverty_status
    household.exit_year = data.exit_year
    session.add(
        HouseholdStatus(
            id=new_id(),
            household_id=household.id,
            poverty_status=data.poverty_status,
            effective_on=data.effective_on,
            exit_year=data.exit_year,
            reason=data.reason,
        )
    )
    await session.flush()
    emit(
        session,
        HouseholdStatusChanged(
            household_id=household.id,
            village_code=household.village_code,
            poverty_status=data.poverty_status,
            effective_on=data.effective_on,
            exit_year=data.exit_year,
            reason=data.reason,
            previous_status=previous,
        ),
    )
    return await household_view(session, household, vault=vault, principal=principal)


async def leave_registry(*, session: AsyncSession, principal: Principal, vault: PiiVault, household_id: str, data: LeaveIn) -> HouseholdOut:
    household = await load_household(session=session, principal=principal, household_id=household_id, write=True)
    _ensure_in_registry(household)
    domain.check_change_date(data.effective_on, not_before=household.registered_on, today=today())
    household.left_on = data.effective_on
    household.left_reason = data.reason
    # Its members are free to be registered elsewhere; their membership dates stay as they were.
    await session.execute(update(Member).where(col(Member.household_id) == household.id).values(current_id_hash=None))
    await session.flush()
    emit(session, HouseholdLeftRegistry(household_id=household.id, village_code=household.village_code, reason=data.reason, effective_on=data.effective_on))
    return await household_view(session, household, vault=vault, principal=principal)

"""Member use cases: a member joins, changes (labour capacity from a date) or leaves; one current household per person."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.households import domain
from services.households.fields import shared_fields, today
from services.households.registry import repository
from services.households.registry.models import Household, Member, MemberBase, MemberCapacity
from services.households.registry.schemas import (
    MemberIn,
    MemberJoinIn,
    MemberLeaveIn,
    MemberOut,
    MemberPatch,
)
from services.households.registry.views import _counts_on, _ensure_in_registry, load_household, member_out
from shared.auth import Principal
from shared.events.households import (
    HouseholdHeadChanged,
    HouseholdSizeChanged,
    MemberLeft,
    MemberRegistered,
    MemberUpdated,
)
from shared.ids import new_id
from shared.outbox import emit
from shared.pii import PiiVault
from shared.problems import Conflict, InvalidInput, NotFound

# One answer for an identity number that cannot be registered, whoever's scope the person is in:
# it never tells the caller that, or where, someone outside their region is registered.
ID_NUMBER_UNAVAILABLE = "该身份证号不能在此登记，请核对"


ID_NUMBER_UNAVAILABLE_EN = "this identity number cannot be registered here; check it"


def _id_number_unavailable(field: str) -> InvalidInput:
    return InvalidInput(ID_NUMBER_UNAVAILABLE, detail_en=ID_NUMBER_UNAVAILABLE_EN, field=field, code="id_number_unavailable")


def _new_member(household_id: str, m: MemberIn, *, vault: PiiVault, id_hash: str, joined_on: date) -> Member:
    return Member(
        **shared_fields(m, MemberBase),
        id=new_id(),
        household_id=household_id,
        id_number_hash=id_hash,
        current_id_hash=id_hash,
        id_number_cipher=vault.encrypt(m.id_number),
        phone_cipher=vault.encrypt(m.phone) if m.phone else None,
        joined_on=joined_on,
    )


def _member_registered(m: Member, village_code: str) -> MemberRegistered:
    return MemberRegistered(
        member_id=m.id,
        household_id=m.household_id,
        village_code=village_code,
        name=m.name,
        birth_year=m.birth_date.year,
        sex=m.sex,
        labour_capacity=m.labour_capacity,
        wishes_to_work_away=m.wishes_to_work_away,
        is_party_member=m.is_party_member,
        is_village_cadre=m.is_village_cadre,
        joined_on=m.joined_on,
        relation=m.relation,
    )


async def _emit_size(session: AsyncSession, household: Household, day: date) -> None:
    await session.flush()
    members, labour = await _counts_on(session, household.id, day)
    emit(
        session,
        HouseholdSizeChanged(household_id=household.id, village_code=household.village_code, member_count=members, labour_count=labour, effective_on=day),
    )


async def add_member(*, session: AsyncSession, principal: Principal, vault: PiiVault, household_id: str, data: MemberJoinIn) -> MemberOut:
    household = await load_household(session=session, principal=principal, household_id=household_id, write=True)
    _ensure_in_registry(household)
    domain.check_birth_date(data.birth_date, today())
    domain.check_change_date(data.joined_on, not_before=household.registered_on, today=today(), field="joined_on")
    if data.relation == "head":
        heads = await _current_heads(session, household.id)
        domain.check_one_head(len(heads) + 1, field="relation")
    id_hash = vault.lookup_hash(data.id_number)
    if await repository.taken_hashes(session, [id_hash]):
        raise _id_number_unavailable("id_number")
    member = _new_member(household.id, data, vault=vault, id_hash=id_hash, joined_on=data.joined_on)
    session.add(member)
    await session.flush()
    session.add(MemberCapacity(id=new_id(), member_id=member.id, labour_capacity=member.labour_capacity, effective_on=member.joined_on))
    emit(session, _member_registered(member, household.village_code))
    await _emit_size(session, household, data.joined_on)
    return member_out(member, vault=vault, principal=principal)


async def _current_heads(session: AsyncSession, household_id: str) -> list[Member]:
    return [m for m in await repository.members_of(session, household_id) if m.relation == "head" and m.left_on is None]


async def _load_member(session: AsyncSession, principal: Principal, member_id: str, *, write: bool = False) -> tuple[Member, Household]:
    member = await session.get(Member, member_id)
    if member is None:
        raise NotFound("成员不存在", detail_en=f"member {member_id} not found")
    household = await load_household(session=session, principal=principal, household_id=member.household_id, write=write)
    return member, household


async def get_member(*, session: AsyncSession, principal: Principal, vault: PiiVault, member_id: str) -> MemberOut:
    member, _ = await _load_member(session, principal, member_id)
    return member_out(member, vault=vault, principal=principal)


async def update_member(*, session: AsyncSession, principal: Principal, vault: PiiVault, member_id: str, data: MemberPatch) -> MemberOut:
    member, household = await _load_member(session, principal, member_id, write=True)
    _ensure_in_registry(household)
    if member.left_on is not None:
        raise Conflict("该成员已离户", detail_en=f"the member left the household on {member.left_on}", code="member_left")
    domain.check_change_date(data.effective_on, not_before=member.joined_on, today=today())
    given = data.model_dump(exclude_unset=True, exclude={"effective_on", "reason"})
    changed = [k for k, v in given.items() if v is not None and getattr(member, k) != v]
    if not changed:
        raise InvalidInput("没有要更改的内容", detail_en="nothing changes", field="body")
    if "labour_capacity" in changed:
        history = (await repository.capacity_history(session, [member.id]))[member.id]
        if history and data.effective_on < history[-1][0]:
            raise InvalidInput(
                "生效日期早于上一次劳动能力变更",
                detail_en=f"effective_on is before the last labour capacity change ({history[-1][0]})",
                field="effective_on",
            )
        capacity = data.labour_capacity
        assert capacity is not None  # "changed" holds only the fields given a value
        session.add(MemberCapacity(id=new_id(), member_id=member.id, labour_capacity=capacity, effective_on=data.effective_on))
    for key in changed:
        setattr(member, key, given[key])
    await session.flush()
    emit(
        session,
        MemberUpdated(
            member_id=member.id,
            household_id=household.id,
            village_code=household.village_code,
            labour_capacity=member.labour_capacity,
            wishes_to_work_away=member.wishes_to_work_away,
            is_party_member=member.is_party_member,
            is_village_cadre=member.is_village_cadre,
            effective_on=data.effective_on,
            changed=changed,
            name=member.name,
            reason=data.reason,
        ),
    )
    if "labour_capacity" in changed:
        await _emit_size(session, household, data.effective_on)
    return member_out(member, vault=vault, principal=principal)


async def member_leaves(*, session: AsyncSession, principal: Principal, vault: PiiVault, member_id: str, data: MemberLeaveIn) -> MemberOut:
    member, household = await _load_member(session, principal, member_id, write=True)
    _ensure_in_registry(household)
    if member.left_on is not None:
        raise Conflict("该成员已离户", detail_en=f"the member left the household on {member.left_on}", code="member_left")
    domain.check_change_date(data.effective_on, not_before=member.joined_on, today=today())
    new_head = await _successor(session, household, member, data)
    if new_head is not None:
        new_head.relation = "head"
    member.left_on = data.effective_on
    member.left_reason = data.reason
    member.current_id_hash = None
    await session.flush()
    emit(
        session,
        MemberLeft(member_id=member.id, household_id=household.id, village_code=household.village_code, reason=data.reason, effective_on=data.effective_on),
    )
    if new_head is not None:
        emit(
            session,
            HouseholdHeadChanged(
                household_id=household.id,
                village_code=household.village_code,
                head_member_id=new_head.id,
                previous_head_member_id=member.id,
                effective_on=data.effective_on,
            ),
        )
    await _emit_size(session, household, data.effective_on)
    return member_out(member, vault=vault, principal=principal)


async def _successor(session: AsyncSession, household: Household, leaving: Member, data: MemberLeaveIn) -> Member | None:
    """The member who becomes head when the head leaves (``new_head_id``); a household keeps exactly one head."""
    staying = [m for m in await repository.members_of(session, household.id) if m.left_on is None and m.id != leaving.id]
    if leaving.relation != "head":
        if data.new_head_id is not None:
            raise InvalidInput("只有户主离户时才指定新户主", detail_en="new_head_id is given only when the head leaves", field="new_head_id")
        return None
    if not staying:
        raise InvalidInput(
            "户内最后一名成员不能离户；请办理整户退出登记",
            detail_en="the last member cannot leave; the household leaves the registry instead",
            field="new_head_id",
            code="household_needs_member",
        )
    if data.new_head_id is None:
        domain.check_one_head(0, field="new_head_id")
    successor = next((m for m in staying if m.id == data.new_head_id), None)
    if successor is None:
        raise InvalidInput("新户主须为本户现有成员", detail_en="new_head_id must be a current member of this household", field="new_head_id")
    return successor

"""Households use cases: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import case, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from services.households import domain
from services.households.models import (
    Employment,
    EmploymentBase,
    Household,
    HouseholdBase,
    HouseholdStatus,
    KnownEntity,
    Member,
    MemberBase,
    MemberCapacity,
    Village,
    VillageBase,
    VillageCategoryRow,
    WageBase,
    WagePayment,
)
from services.households.schemas import (
    EmploymentEndIn,
    EmploymentIn,
    EmploymentOut,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    HouseholdSummary,
    LeaveIn,
    MemberIn,
    MemberJoinIn,
    MemberLeaveIn,
    MemberOut,
    MemberPatch,
    Stats,
    StatusChangeIn,
    StatusRecordOut,
    VillageIn,
    VillageOut,
    VillagePatch,
    WageIn,
    WageOut,
)
from shared.auth import (
    Principal,
    Role,
    can_read,
    ensure_readable,
    ensure_writable,
    visible,
)
from shared.events.households import (
    EmploymentEnded,
    EmploymentStarted,
    HouseholdCorrected,
    HouseholdHeadChanged,
    HouseholdLeftRegistry,
    HouseholdRegistered,
    HouseholdSizeChanged,
    HouseholdStatusChanged,
    MemberLeft,
    MemberRegistered,
    MemberUpdated,
    VillageRegistered,
    VillageUpdated,
    WagePaid,
)
from shared.events.income import BenefitType, IncomeLine, Lineage
from shared.ids import new_id
from shared.outbox import emit
from shared.pii import PiiVault, mask_citizen_id, mask_phone
from shared.problems import Conflict, InvalidInput, NotFound
from shared.regions import COUNTIES, county_of, township_of


def today() -> date:
    return date.today()


def shared_fields(data: BaseModel, base: type[SQLModel], *, exclude: set[str] | None = None) -> dict[str, Any]:
    """The values of the fields ``data`` (a create model) shares with its table, by the base that declares them."""
    return data.model_dump(include=set(base.model_fields) - (exclude or set()))


# One answer for an identity number that cannot be registered, whoever's scope the person is in:
# it never tells the caller that, or where, someone outside their region is registered.
ID_NUMBER_UNAVAILABLE = "该身份证号不能在此登记，请核对"
ID_NUMBER_UNAVAILABLE_EN = "this identity number cannot be registered here; check it"


def _id_number_unavailable(field: str) -> InvalidInput:
    return InvalidInput(ID_NUMBER_UNAVAILABLE, detail_en=ID_NUMBER_UNAVAILABLE_EN, field=field, code="id_number_unavailable")


def _heads_field(relations: list[str]) -> str:
    heads = [i for i, r in enumerate(relations) if r == "head"]
    return f"members[{heads[1]}].relation" if len(heads) > 1 else "members"


# ---- villages -----------------------------------------------------------------------------------


def village_out(v: Village) -> VillageOut:
    return VillageOut.model_validate(v, update={"county_name": COUNTIES.get(v.county_code)})


async def _set_categories(session: AsyncSession, code: str, categories: list[str]) -> None:
    existing = set((await session.execute(select(VillageCategoryRow.category).where(VillageCategoryRow.village_code == code))).scalars())
    for cat in existing - set(categories):
        await session.delete(await session.get(VillageCategoryRow, (code, cat)))
    for cat in set(categories) - existing:
        session.add(VillageCategoryRow(village_code=code, category=cat))


async def register_village(*, session: AsyncSession, principal: Principal, data: VillageIn) -> VillageOut:
    ensure_writable(principal, region=data.code)
    domain.check_village_pairing(data.categories, data.paired_unit)
    helpers = [h.model_dump() for h in data.helpers]
    domain.check_village_helpers(helpers)
    if await session.get(Village, data.code) is not None:
        raise Conflict(f"村 {data.code} 已登记", detail_en=f"village {data.code} is already registered", field="code")
    village = Village(
        **shared_fields(data, VillageBase),
        township_code=township_of(data.code),
        county_code=county_of(data.code),
        helpers=helpers,
    )
    village.categories = list(dict.fromkeys(data.categories))
    session.add(village)
    await session.flush()
    await _set_categories(session, village.code, village.categories)
    await session.flush()
    emit(session, _village_registered(village))
    return village_out(village)


def _village_registered(village: Village) -> VillageRegistered:
    return VillageRegistered(
        village_code=village.code,
        name=village.name,
        township_code=village.township_code,
        county_code=village.county_code,
        categories=list(village.categories or []),
        paired_unit=village.paired_unit,
        characteristic_industry=village.characteristic_industry,
        township_name=village.township_name,
        helpers=list(village.helpers or []),
    )


async def get_village(*, session: AsyncSession, principal: Principal, code: str, write: bool = False) -> Village:
    village = await session.get(Village, code)
    if village is None:
        raise NotFound("村不存在", detail_en=f"village {code} not found")
    if write:
        ensure_writable(principal, region=code)
    ensure_readable(principal, region=code, what="村")
    return village


async def update_village(*, session: AsyncSession, principal: Principal, code: str, data: VillagePatch) -> VillageOut:
    village = await get_village(session=session, principal=principal, code=code, write=True)
    given = data.model_dump(exclude_unset=True, exclude={"reason"})
    if not given:
        raise InvalidInput("没有要更正的内容", detail_en="nothing to change", field="body")
    categories = list(dict.fromkeys(data.categories)) if data.categories is not None else list(village.categories or [])
    paired_unit = data.paired_unit if "paired_unit" in given else village.paired_unit
    domain.check_village_pairing(categories, paired_unit)
    helpers = [h.model_dump() for h in data.helpers] if data.helpers is not None else list(village.helpers or [])
    domain.check_village_helpers(helpers)
    if data.name is not None:
        village.name = data.name
    if "township_name" in given:
        village.township_name = data.township_name
    if "characteristic_industry" in given:
        village.characteristic_industry = data.characteristic_industry
    village.categories = categories
    village.paired_unit = paired_unit
    village.helpers = helpers
    await _set_categories(session, code, categories)
    await session.flush()
    emit(
        session,
        VillageUpdated(
            village_code=code,
            name=village.name,
            categories=categories,
            paired_unit=paired_unit,
            characteristic_industry=village.characteristic_industry,
            helpers=helpers,
        ),
    )
    return village_out(village)


def village_filters(principal: Principal, *, county: str | None, township: str | None, village: str | None, column: Any) -> list[Any]:
    """WHERE clauses for the region filters of a list, after the principal's own scope."""
    return [visible(principal, region=column), *region_filters(county=county, township=township, village=village, column=column)]


def region_filters(*, county: str | None, township: str | None, village: str | None, column: Any) -> list[Any]:
    """The ``county`` / ``township`` / ``village`` query filters, checked to be division codes of the right length."""
    clauses: list[Any] = []
    for name, value, digits in (("county", county, 6), ("township", township, 9), ("village", village, 12)):
        if value is None:
            continue
        if not value.isdigit() or len(value) != digits:
            raise InvalidInput(f"{name} 须为 {digits} 位区划代码", detail_en=f"{name} must be a {digits}-digit division code", field=name)
        clauses.append(column.startswith(value, autoescape=True))
    return clauses


# ---- households and members ---------------------------------------------------------------------


def member_out(m: Member, *, vault: PiiVault, principal: Principal, labour_capacity: str | None = None) -> MemberOut:
    """The member as the caller may see them: identity number and phone decrypted, and masked unless the role needs them."""
    number = vault.decrypt(m.id_number_cipher)
    shown = {
        "id_number": number if principal.sees_full_pii else mask_citizen_id(number),
        "phone": _phone_out(m, vault=vault, principal=principal),
        "labour_capacity": labour_capacity or m.labour_capacity,
    }
    return MemberOut.model_validate(m, update=shown)


def _phone_out(m: Member, *, vault: PiiVault, principal: Principal) -> str | None:
    if not m.phone_cipher:
        return None
    phone = vault.decrypt(m.phone_cipher)
    return phone if principal.sees_full_pii else mask_phone(phone)


class _MemberOn:
    """A member's facts as they stood on one day (labour capacity from its history)."""

    def __init__(self, m: Member, capacity: str) -> None:
        self.labour_capacity = capacity
        self.joined_on = m.joined_on
        self.left_on = m.left_on


async def _capacity_history(session: AsyncSession, member_ids: list[str]) -> dict[str, list[tuple[date, str]]]:
    history: dict[str, list[tuple[date, str]]] = defaultdict(list)
    if not member_ids:
        return history
    rows = await session.execute(
        select(MemberCapacity.member_id, MemberCapacity.effective_on, MemberCapacity.labour_capacity)
        .where(MemberCapacity.member_id.in_(member_ids))
        .order_by(MemberCapacity.effective_on, MemberCapacity.recorded_at, MemberCapacity.id)
    )
    for member_id, effective_on, capacity in rows:
        history[member_id].append((effective_on, capacity))
    return history


async def _members(session: AsyncSession, household_id: str) -> list[Member]:
    return list((await session.execute(select(Member).where(Member.household_id == household_id).order_by(Member.id))).scalars())


async def _counts_on(session: AsyncSession, household_id: str, day: date) -> tuple[int, int]:
    """(member_count, labour_count) of a household as of ``day``, from membership dates and capacity history."""
    members = await _members(session, household_id)
    history = await _capacity_history(session, [m.id for m in members])
    facts = [_MemberOn(m, domain.capacity_on(history[m.id], day, m.labour_capacity)) for m in members]
    return domain.household_size_on(facts, day), domain.labour_count_on(facts, day)


async def _status_history(session: AsyncSession, household_id: str) -> list[HouseholdStatus]:
    return list(
        (
            await session.execute(
                select(HouseholdStatus)
                .where(HouseholdStatus.household_id == household_id)
                .order_by(HouseholdStatus.effective_on, HouseholdStatus.recorded_at, HouseholdStatus.id)
            )
        ).scalars()
    )


async def household_view(
    session: AsyncSession, h: Household, *, vault: PiiVault, principal: Principal, as_of: date | None = None
) -> HouseholdOut:
    members = await _members(session, h.id)
    history = await _capacity_history(session, [m.id for m in members])
    statuses = await _status_history(session, h.id)
    day = as_of or today()
    capacities = {m.id: domain.capacity_on(history[m.id], day, m.labour_capacity) for m in members}
    facts = [_MemberOn(m, capacities[m.id]) for m in members]
    status, exit_year = h.poverty_status, h.exit_year
    left_on, left_reason = h.left_on, h.left_reason
    shown = members
    if as_of is not None:
        found = domain.status_on([(s.effective_on, s.poverty_status, s.exit_year) for s in statuses], as_of)
        if found is not None:
            status, exit_year = found
        statuses = [s for s in statuses if s.effective_on <= as_of]
        shown = [m for m in members if domain.is_member_on(m, as_of)]
        if left_on is not None and left_on > as_of:
            left_on = left_reason = None
    return HouseholdOut.model_validate(
        h,
        update={
            "township_code": township_of(h.village_code),
            "county_code": county_of(h.village_code),
            "poverty_status": status,
            "exit_year": exit_year,
            "left_on": left_on,
            "left_reason": left_reason,
            "in_registry": left_on is None or left_on > day,
            "as_of": as_of,
            "members": [_member_on(member_out(m, vault=vault, principal=principal, labour_capacity=capacities[m.id]), as_of) for m in shown],
            "household_size": domain.household_size_on(facts, day),
            "labour_count": domain.labour_count_on(facts, day),
            "status_history": [StatusRecordOut.model_validate(s) for s in statuses],
        },
    )


def _member_on(out: MemberOut, as_of: date | None) -> MemberOut:
    """As the registry stood on ``as_of``: a later departure was not yet known."""
    if as_of is not None and out.left_on is not None and out.left_on > as_of:
        return out.model_copy(update={"left_on": None, "left_reason": None})
    return out


async def _taken_hashes(session: AsyncSession, hashes: list[str]) -> set[str]:
    """Identity hashes that belong to a current member of a household still in the registry."""
    taken: set[str] = set()
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        taken.update((await session.execute(select(Member.current_id_hash).where(Member.current_id_hash.in_(chunk)))).scalars())
    return taken


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
        sex=m.sex,  # type: ignore[arg-type]
        labour_capacity=m.labour_capacity,  # type: ignore[arg-type]
        wishes_to_work_away=m.wishes_to_work_away,
        is_party_member=m.is_party_member,
        is_village_cadre=m.is_village_cadre,
        joined_on=m.joined_on,
        relation=m.relation,
    )


def check_initial_status(status: str, exit_year: int | None, registered_on: date, *, field: str = "exit_year") -> None:
    if status == "exited" and exit_year is None:
        raise InvalidInput("已脱贫户须填写脱贫年度", detail_en="an exited household needs its exit year", field=field)
    if exit_year is not None and (status != "exited" or exit_year > registered_on.year or exit_year < 2014):
        raise InvalidInput("脱贫年度不合理", detail_en="exit_year is given only for an exited household, between 2014 and the registration year", field=field)


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
    taken = await _taken_hashes(session, hashes)
    for i, h in enumerate(hashes):
        if h in taken:
            raise _id_number_unavailable(f"members[{i}].id_number")
    relations = [m.relation for m in data.members]
    domain.check_one_head(relations.count("head"), field=_heads_field(relations), members=len(relations))
    members = [_new_member(household.id, m, vault=vault, id_hash=hashes[i], joined_on=data.registered_on) for i, m in enumerate(data.members)]
    session.add_all(members)
    await session.flush()
    session.add(
        HouseholdStatus(
            id=new_id(), household_id=household.id, poverty_status=data.poverty_status, effective_on=data.registered_on, exit_year=data.exit_year
        )
    )
    session.add_all(
        [MemberCapacity(id=new_id(), member_id=m.id, labour_capacity=m.labour_capacity, effective_on=m.joined_on) for m in members]
    )
    await session.flush()
    emit(
        session,
        HouseholdRegistered(
            household_id=household.id,
            household_number=household.household_number,
            village_code=household.village_code,
            poverty_status=household.poverty_status,  # type: ignore[arg-type]
            registered_on=household.registered_on,
            member_count=domain.household_size_on(members, household.registered_on),
            labour_count=domain.labour_count_on(members, household.registered_on),
        ),
    )
    for m in members:
        emit(session, _member_registered(m, household.village_code))
    return await household_view(session, household, vault=vault, principal=principal)


async def load_household(*, session: AsyncSession, principal: Principal, household_id: str, write: bool = False) -> Household:
    household = await session.get(Household, household_id)
    if household is None:
        raise NotFound("户不存在", detail_en=f"household {household_id} not found")
    if write:  # a write outside the scope is refused (403), a read outside it does not exist (404)
        ensure_writable(principal, region=household.village_code)
    ensure_readable(principal, region=household.village_code, what="户")
    return household


def _ensure_in_registry(household: Household) -> None:
    if household.left_on is not None:
        raise Conflict("该户已退出登记", detail_en=f"the household left the registry on {household.left_on}", code="household_left")


async def get_household(
    *, session: AsyncSession, principal: Principal, vault: PiiVault, household_id: str, as_of: date | None = None
) -> HouseholdOut:
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
    if await _taken_hashes(session, [id_hash]):
        raise _id_number_unavailable("id_number")
    member = _new_member(household.id, data, vault=vault, id_hash=id_hash, joined_on=data.joined_on)
    session.add(member)
    await session.flush()
    session.add(MemberCapacity(id=new_id(), member_id=member.id, labour_capacity=member.labour_capacity, effective_on=member.joined_on))
    emit(session, _member_registered(member, household.village_code))
    await _emit_size(session, household, data.joined_on)
    return member_out(member, vault=vault, principal=principal)


async def _current_heads(session: AsyncSession, household_id: str) -> list[Member]:
    return [m for m in await _members(session, household_id) if m.relation == "head" and m.left_on is None]


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
        history = (await _capacity_history(session, [member.id]))[member.id]
        if history and data.effective_on < history[-1][0]:
            raise InvalidInput(
                "生效日期早于上一次劳动能力变更",
                detail_en=f"effective_on is before the last labour capacity change ({history[-1][0]})",
                field="effective_on",
            )
        session.add(MemberCapacity(id=new_id(), member_id=member.id, labour_capacity=data.labour_capacity, effective_on=data.effective_on))
    for key in changed:
        setattr(member, key, given[key])
    await session.flush()
    emit(
        session,
        MemberUpdated(
            member_id=member.id,
            household_id=household.id,
            village_code=household.village_code,
            labour_capacity=member.labour_capacity,  # type: ignore[arg-type]
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
    emit(session, MemberLeft(member_id=member.id, household_id=household.id, village_code=household.village_code, reason=data.reason, effective_on=data.effective_on))
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
    staying = [m for m in await _members(session, household.id) if m.left_on is None and m.id != leaving.id]
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


async def change_status(*, session: AsyncSession, principal: Principal, vault: PiiVault, household_id: str, data: StatusChangeIn) -> HouseholdOut:
    household = await load_household(session=session, principal=principal, household_id=household_id, write=True)
    _ensure_in_registry(household)
    statuses = await _status_history(session, household.id)
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
            previous_status=previous,  # type: ignore[arg-type]
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
    await session.execute(update(Member).where(Member.household_id == household.id).values(current_id_hash=None))
    await session.flush()
    emit(session, HouseholdLeftRegistry(household_id=household.id, village_code=household.village_code, reason=data.reason, effective_on=data.effective_on))
    return await household_view(session, household, vault=vault, principal=principal)


def household_list_query(
    principal: Principal,
    *,
    county: str | None,
    township: str | None,
    village: str | None,
    category: str | None,
    poverty_status: str | None,
    labour_capacity: str | None,
    include_left: bool,
) -> Any:
    stmt = select(Household).where(*village_filters(principal, county=county, township=township, village=village, column=Household.village_code))
    if category is not None:
        stmt = stmt.where(Household.village_code.in_(select(VillageCategoryRow.village_code).where(VillageCategoryRow.category == category)))
    if poverty_status is not None:
        stmt = stmt.where(Household.poverty_status == poverty_status)
    if labour_capacity is not None:
        stmt = stmt.where(
            exists().where(Member.household_id == Household.id, Member.left_on.is_(None), Member.labour_capacity == labour_capacity)
        )
    if not include_left:
        stmt = stmt.where(Household.left_on.is_(None))
    return stmt


async def summaries(session: AsyncSession, households: list[Household]) -> list[HouseholdSummary]:
    ids = [h.id for h in households]
    counts: dict[str, tuple[int, int]] = {}
    if ids:
        rows = await session.execute(
            select(
                Member.household_id,
                func.count(),
                func.sum(case((Member.labour_capacity.in_(domain.WITH_LABOUR), 1), else_=0)),
            )
            .where(Member.household_id.in_(ids), Member.left_on.is_(None))
            .group_by(Member.household_id)
        )
        counts = {hid: (int(n), int(lab or 0)) for hid, n, lab in rows}
    none = (0, 0)
    return [
        HouseholdSummary.model_validate(h, update={"household_size": counts.get(h.id, none)[0], "labour_count": counts.get(h.id, none)[1]})
        for h in households
    ]


async def stats(*, session: AsyncSession, principal: Principal, county: str | None, township: str | None, village: str | None) -> Stats:
    """Counts for dashboards: households still in the registry and their current members, within scope."""
    where_h = [*village_filters(principal, county=county, township=township, village=village, column=Household.village_code), Household.left_on.is_(None)]
    where_v = village_filters(principal, county=county, township=township, village=village, column=Village.code)
    villages = (await session.execute(select(func.count()).select_from(Village).where(*where_v))).scalar_one()
    by_status = dict((await session.execute(select(Household.poverty_status, func.count()).where(*where_h).group_by(Household.poverty_status))).all())
    member_rows = (
        await session.execute(
            select(Household.poverty_status, Member.labour_capacity, func.count())
            .join(Household, Household.id == Member.household_id)
            .where(*where_h, Member.left_on.is_(None))
            .group_by(Household.poverty_status, Member.labour_capacity)
        )
    ).all()
    by_capacity: dict[str, int] = defaultdict(int)
    labour_by_status: dict[str, int] = defaultdict(int)
    for status, capacity, n in member_rows:
        by_capacity[capacity] += n
        if capacity in domain.WITH_LABOUR:
            labour_by_status[status] += n
    by_category = dict(
        (
            await session.execute(
                select(VillageCategoryRow.category, func.count(Household.id))
                .join(Household, Household.village_code == VillageCategoryRow.village_code)
                .where(*where_h)
                .group_by(VillageCategoryRow.category)
            )
        ).all()
    )
    return Stats(
        villages=villages,
        households=sum(by_status.values()),
        members=sum(by_capacity.values()),
        labourers=sum(labour_by_status.values()),
        households_by_status={k: int(v) for k, v in by_status.items()},
        labourers_by_status=dict(labour_by_status),
        members_by_labour_capacity=dict(by_capacity),
        households_by_category={k: int(v) for k, v in by_category.items()},
    )


# ---- employment and wages (§5.2, R13) ----------------------------------------------------------


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
        raise InvalidInput(
            "平台不认识该经营主体", detail_en=f"operating entity {data.entity_id} is not known to the platform", field="entity_id"
        )
    if data.started_on > today():
        raise InvalidInput("务工开始日期不能晚于今天", detail_en="started_on is in the future", field="started_on")
    domain.check_r13_employment_start(
        started_on=data.started_on, member_joined_on=member.joined_on, member_left_on=member.left_on, household_left_on=household.left_on
    )
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
    last_wage = (await session.execute(select(func.max(WagePayment.period_end)).where(WagePayment.employment_id == employment.id))).scalar()
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
    domain.check_r13_wage(
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
            reported_by=payment.reported_by,  # type: ignore[arg-type]
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


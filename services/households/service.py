"""Households use cases: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.households import domain
from services.households.models import Household, Member, Village
from services.households.schemas import HouseholdIn, HouseholdOut, MemberOut, VillageIn, VillageOut
from shared.auth import Principal, ensure_readable, ensure_writable
from shared.events.households import HouseholdRegistered, MemberRegistered, VillageRegistered
from shared.ids import new_id
from shared.outbox import emit
from shared.pii import PiiVault, mask_citizen_id
from shared.problems import Conflict, InvalidInput, NotFound
from shared.regions import county_of, township_of


def village_out(v: Village) -> VillageOut:
    return VillageOut(
        code=v.code,
        name=v.name,
        township_code=v.township_code,
        township_name=v.township_name,
        county_code=v.county_code,
        categories=list(v.categories or []),
        paired_unit=v.paired_unit,
        characteristic_industry=v.characteristic_industry,
    )


async def register_village(*, session: AsyncSession, principal: Principal, data: VillageIn) -> VillageOut:
    ensure_writable(principal, region=data.code)
    if await session.get(Village, data.code) is not None:
        raise Conflict(f"村 {data.code} 已登记", detail_en=f"village {data.code} is already registered", field="code")
    village = Village(
        code=data.code,
        name=data.name,
        township_code=township_of(data.code),
        township_name=data.township_name,
        county_code=county_of(data.code),
        categories=list(data.categories),
        paired_unit=data.paired_unit,
        characteristic_industry=data.characteristic_industry,
    )
    session.add(village)
    await session.flush()
    emit(
        session,
        VillageRegistered(
            village_code=village.code,
            name=village.name,
            township_code=village.township_code,
            county_code=village.county_code,
            categories=village.categories,
            paired_unit=village.paired_unit,
            characteristic_industry=village.characteristic_industry,
        ),
    )
    return village_out(village)


def member_out(m: Member, *, vault: PiiVault, principal: Principal) -> MemberOut:
    number = vault.decrypt(m.id_number_cipher)
    return MemberOut(
        id=m.id,
        name=m.name,
        id_number=number if principal.sees_full_pii else mask_citizen_id(number),
        relation=m.relation,
        birth_date=m.birth_date,
        sex=m.sex,
        labour_capacity=m.labour_capacity,
        wishes_to_work_away=m.wishes_to_work_away,
        is_party_member=m.is_party_member,
        is_village_cadre=m.is_village_cadre,
        joined_on=m.joined_on,
        left_on=m.left_on,
    )


def household_out(h: Household, members: list[Member], *, vault: PiiVault, principal: Principal, on: date | None = None) -> HouseholdOut:
    return HouseholdOut(
        id=h.id,
        household_number=h.household_number,
        village_code=h.village_code,
        township_code=township_of(h.village_code),
        county_code=county_of(h.village_code),
        poverty_status=h.poverty_status,
        registered_on=h.registered_on,
        address=h.address,
        left_on=h.left_on,
        left_reason=h.left_reason,
        members=[member_out(m, vault=vault, principal=principal) for m in members],
        household_size=domain.household_size_on(members, on or date.today()),
    )


async def register_household(*, session: AsyncSession, principal: Principal, vault: PiiVault, data: HouseholdIn) -> HouseholdOut:
    ensure_writable(principal, region=data.village_code)
    if await session.get(Village, data.village_code) is None:
        raise InvalidInput(f"村 {data.village_code} 未登记", detail_en=f"unknown village {data.village_code}", field="village_code")
    if (await session.execute(select(Household.id).where(Household.household_number == data.household_number))).first():
        raise Conflict("户编号已存在", detail_en=f"household number {data.household_number} exists", field="household_number")
    household = Household(
        id=new_id(),
        household_number=data.household_number,
        village_code=data.village_code,
        poverty_status=data.poverty_status,
        registered_on=data.registered_on,
        address=data.address,
    )
    session.add(household)
    hashes = [vault.lookup_hash(m.id_number) for m in data.members]
    for i, h in enumerate(hashes):
        if h in hashes[:i]:
            raise InvalidInput("同一身份证号出现两次", detail_en="the same identity number appears twice", field=f"members[{i}].id_number")
    if hashes:
        taken = set((await session.execute(select(Member.id_number_hash).where(Member.id_number_hash.in_(hashes)))).scalars())
        for i, h in enumerate(hashes):
            if h in taken:
                raise InvalidInput(
                    "该身份证号已登记在其他户", detail_en="this identity number is already registered in a household", field=f"members[{i}].id_number"
                )
    members = [
        Member(
            id=new_id(),
            household_id=household.id,
            name=m.name,
            id_number_hash=hashes[i],
            id_number_cipher=vault.encrypt(m.id_number),
            relation=m.relation,
            birth_date=m.birth_date,
            sex=m.sex,
            labour_capacity=m.labour_capacity,
            wishes_to_work_away=m.wishes_to_work_away,
            is_party_member=m.is_party_member,
            is_village_cadre=m.is_village_cadre,
            joined_on=data.registered_on,
        )
        for i, m in enumerate(data.members)
    ]
    session.add_all(members)
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
        emit(
            session,
            MemberRegistered(
                member_id=m.id,
                household_id=household.id,
                village_code=household.village_code,
                name=m.name,
                birth_year=m.birth_date.year,
                sex=m.sex,  # type: ignore[arg-type]
                labour_capacity=m.labour_capacity,  # type: ignore[arg-type]
                wishes_to_work_away=m.wishes_to_work_away,
                is_party_member=m.is_party_member,
                is_village_cadre=m.is_village_cadre,
                joined_on=m.joined_on,
            ),
        )
    return household_out(household, members, vault=vault, principal=principal)


async def get_household(*, session: AsyncSession, principal: Principal, vault: PiiVault, household_id: str) -> HouseholdOut:
    household = await session.get(Household, household_id)
    if household is None:
        raise NotFound("户不存在", detail_en=f"household {household_id} not found")
    ensure_readable(principal, region=household.village_code, what="户")
    members = list((await session.execute(select(Member).where(Member.household_id == household.id).order_by(Member.id))).scalars())
    return household_out(household, members, vault=vault, principal=principal)

"""The registry read back: a household as of a day, a member as the caller may see them, list rows, counts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from services.households import domain
from services.households.fields import today
from services.households.registry import repository
from services.households.registry.models import Household, Member
from services.households.registry.schemas import (
    HouseholdOut,
    HouseholdPage,
    HouseholdSummary,
    MemberOut,
    Stats,
    StatusRecordOut,
)
from services.households.villages.models import Village, VillageCategoryRow
from services.households.villages.repository import village_filters
from shared.auth import Principal, ensure_readable, ensure_writable
from shared.paging import PageParams, decode_cursor, encode_cursor, paginate
from shared.pii import PiiVault, citizen_id_problem, mask_citizen_id, mask_phone
from shared.problems import Conflict, InvalidInput, NotFound
from shared.regions import county_of, township_of


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


async def _counts_on(session: AsyncSession, household_id: str, day: date) -> tuple[int, int]:
    """(member_count, labour_count) of a household as of ``day``, from membership dates and capacity history."""
    members = await repository.members_of(session, household_id)
    history = await repository.capacity_history(session, [m.id for m in members])
    facts = [_MemberOn(m, domain.capacity_on(history[m.id], day, m.labour_capacity)) for m in members]
    return domain.household_size_on(facts, day), domain.labour_count_on(facts, day)


async def household_view(session: AsyncSession, h: Household, *, vault: PiiVault, principal: Principal, as_of: date | None = None) -> HouseholdOut:
    members = await repository.members_of(session, h.id)
    history = await repository.capacity_history(session, [m.id for m in members])
    statuses = await repository.status_history(session, h.id)
    day = as_of or today()
    capacities = {m.id: domain.capacity_on(history[m.id], day, m.labour_capacity) for m in members}
    facts = [_MemberOn(m, capacities[m.id]) for m in members]
    status: str = h.poverty_status
    exit_year = h.exit_year
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


async def list_households(
    *,
    session: AsyncSession,
    principal: Principal,
    vault: PiiVault,
    page: PageParams,
    county: str | None,
    township: str | None,
    village: str | None,
    category: str | None,
    poverty_status: str | None,
    labour_capacity: str | None,
    include_left: bool,
    name: str | None = None,
    household_number: str | None = None,
    id_number: str | None = None,
    year: int | None = None,
    sort: str | None = None,
    include_total: bool = False,
) -> HouseholdPage:
    """A page of households in scope, filtered or searched, with their current size and labourers.

    Two statements whatever the page's size (three with the total). An identity number is looked up
    by its keyed hash and never echoed, not even in the problem for a malformed one.
    """
    id_hash = None
    if id_number is not None:
        number = id_number.strip().upper()
        if citizen_id_problem(number):
            raise InvalidInput("身份证号格式无效", detail_en="id_number is not a valid resident identity number", field="id_number")
        id_hash = vault.lookup_hash(number)
    stmt = repository.households(
        principal,
        county=county,
        township=township,
        village=village,
        category=category,
        poverty_status=poverty_status,
        labour_capacity=labour_capacity,
        include_left=include_left,
    )
    stmt = repository.searched(stmt, name=name, household_number=household_number, id_hash=id_hash, year=year)
    total = await repository.count(session, stmt) if include_total else None
    if sort is None:
        found = await paginate(session, stmt, key=Household.id, params=page, to_item=lambda h: h)
        rows, next_cursor = found.items, found.next_cursor
    else:
        rows, next_cursor = await _sorted(session, stmt, sort=sort, page=page)
    sizes = await repository.current_sizes(session, [h.id for h in rows])
    items = [HouseholdSummary.model_validate(h, update=dict(zip(("household_size", "labour_count"), sizes.get(h.id, (0, 0)), strict=True))) for h in rows]
    return HouseholdPage(items=items, next_cursor=next_cursor, total=total)


async def _sorted(session: AsyncSession, stmt: SelectOfScalar[Household], *, sort: str, page: PageParams) -> tuple[list[Household], str | None]:
    """A page in ``sort`` order; its cursor holds the last row's sort value and id."""
    after = None
    if page.cursor:
        key = decode_cursor(page.cursor)
        parts = key.split("|", 1) if isinstance(key, str) else []
        if len(parts) != 2:
            raise InvalidInput("分页游标无效", detail_en="invalid cursor", field="cursor")
        after = (parts[0], parts[1])
    try:
        rows = list((await session.execute(repository.sorted_page(stmt, sort=sort, after=after, limit=page.limit))).scalars())
    except ValueError:
        raise InvalidInput("分页游标无效", detail_en="invalid cursor", field="cursor") from None
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    if not (more and rows):
        return rows, None
    last = rows[-1]
    value = getattr(last, sort.lstrip("-"))
    return rows, encode_cursor(f"{value.isoformat() if isinstance(value, date) else value}|{last.id}")


async def stats(*, session: AsyncSession, principal: Principal, county: str | None, township: str | None, village: str | None) -> Stats:
    """Counts for dashboards: households still in the registry and their current members, within scope."""
    where_h = [*village_filters(principal, county=county, township=township, village=village, column=Household.village_code), col(Household.left_on).is_(None)]
    where_v = village_filters(principal, county=county, township=township, village=village, column=Village.code)
    villages = (await session.execute(select(func.count()).select_from(Village).where(*where_v))).scalar_one()
    by_status = dict((await session.execute(select(Household.poverty_status, func.count()).where(*where_h).group_by(Household.poverty_status))).all())
    member_rows = (
        await session.execute(
            select(Household.poverty_status, Member.labour_capacity, func.count())
            .join(Household, col(Household.id) == Member.household_id)
            .where(*where_h, col(Member.left_on).is_(None))
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
                select(VillageCategoryRow.category, func.count(col(Household.id)))
                .join(Household, col(Household.village_code) == VillageCategoryRow.village_code)
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

"""Where registry reads are built: the scoped list of households and, for any page of them, the few grouped queries it needs.

A list page costs a constant number of statements whatever its size: the page itself, then one
grouped count of current members for all its households (``current_sizes``); a household's view
costs three (members, their capacity history, its status history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, case, exists, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from services.households import domain
from services.households.registry.models import Household, HouseholdStatus, Member, MemberCapacity
from services.households.villages.repository import in_category, village_filters
from shared.auth import Principal


def households(
    principal: Principal,
    *,
    county: str | None,
    township: str | None,
    village: str | None,
    category: str | None,
    poverty_status: str | None,
    labour_capacity: str | None,
    include_left: bool,
) -> SelectOfScalar[Household]:
    """The households a list shows: in the caller's scope, then the filters."""
    stmt = select(Household).where(*village_filters(principal, county=county, township=township, village=village, column=Household.village_code))
    if category is not None:
        stmt = stmt.where(in_category(Household.village_code, category))
    if poverty_status is not None:
        stmt = stmt.where(Household.poverty_status == poverty_status)
    if labour_capacity is not None:
        current = exists().where(col(Member.household_id) == col(Household.id), col(Member.left_on).is_(None), col(Member.labour_capacity) == labour_capacity)
        stmt = stmt.where(current)
    if not include_left:
        stmt = stmt.where(col(Household.left_on).is_(None))
    return stmt


def searched(
    stmt: SelectOfScalar[Household], *, name: str | None, household_number: str | None, id_hash: str | None, year: int | None
) -> SelectOfScalar[Household]:
    """The search of issue #13 on top of a scoped list: a current member's name (substring), the household
    number and a current member's identity number (exact, by its keyed hash: the number itself is never
    stored nor compared in clear), and the exit year."""
    if name is not None:
        stmt = stmt.where(
            exists().where(col(Member.household_id) == col(Household.id), col(Member.left_on).is_(None), col(Member.name).contains(name, autoescape=True))
        )
    if household_number is not None:
        stmt = stmt.where(Household.household_number == household_number)
    if id_hash is not None:
        stmt = stmt.where(exists().where(col(Member.household_id) == col(Household.id), col(Member.left_on).is_(None), col(Member.id_number_hash) == id_hash))
    if year is not None:
        stmt = stmt.where(Household.exit_year == year)
    return stmt


SORTS = {"household_number": Household.household_number, "registered_on": Household.registered_on}


def sorted_page(stmt: SelectOfScalar[Household], *, sort: str, after: tuple[str, str] | None, limit: int) -> SelectOfScalar[Household]:
    """Keyset paging on (sort column, id): ``sort`` is a column name, ``-`` first for descending; ``after`` the last row's (value, id)."""
    descending = sort.startswith("-")
    column = col(SORTS[sort.lstrip("-")])
    ident = col(Household.id)
    if after is not None:
        value: object = date.fromisoformat(after[0]) if sort.lstrip("-") == "registered_on" else after[0]
        beyond = (column < value) if descending else (column > value)
        stmt = stmt.where(or_(beyond, and_(column == value, (ident < after[1]) if descending else (ident > after[1]))))
    order = (column.desc(), ident.desc()) if descending else (column.asc(), ident.asc())
    return stmt.order_by(*order).limit(limit + 1)


async def count(session: AsyncSession, stmt: SelectOfScalar[Household]) -> int:
    """How many rows the (unpaged) statement holds, in one statement."""
    return int((await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one())


async def current_sizes(session: AsyncSession, household_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """(current members, of whom with labour capacity) of each household, in one grouped query."""
    if not household_ids:
        return {}
    with_labour = func.sum(case((col(Member.labour_capacity).in_(domain.WITH_LABOUR), 1), else_=0))
    rows = await session.execute(
        select(Member.household_id, func.count(), with_labour)
        .where(col(Member.household_id).in_(household_ids), col(Member.left_on).is_(None))
        .group_by(col(Member.household_id))
    )
    return {hid: (int(n), int(lab or 0)) for hid, n, lab in rows.all()}


async def members_of(session: AsyncSession, household_id: str) -> list[Member]:
    return list((await session.execute(select(Member).where(Member.household_id == household_id).order_by(col(Member.id)))).scalars())


async def capacity_history(session: AsyncSession, member_ids: list[str]) -> dict[str, list[tuple[date, str]]]:
    """Each member's labour capacity rows (effective_on, capacity), oldest first."""
    history: dict[str, list[tuple[date, str]]] = defaultdict(list)
    if not member_ids:
        return history
    rows = await session.execute(
        select(col(MemberCapacity.member_id), col(MemberCapacity.effective_on), col(MemberCapacity.labour_capacity))
        .where(col(MemberCapacity.member_id).in_(member_ids))
        .order_by(col(MemberCapacity.effective_on), col(MemberCapacity.recorded_at), col(MemberCapacity.id))
    )
    for member_id, effective_on, capacity in rows.all():
        history[member_id].append((effective_on, capacity))
    return history


async def status_history(session: AsyncSession, household_id: str) -> list[HouseholdStatus]:
    stmt = (
        select(HouseholdStatus)
        .where(HouseholdStatus.household_id == household_id)
        .order_by(col(HouseholdStatus.effective_on), col(HouseholdStatus.recorded_at), col(HouseholdStatus.id))
    )
    return list((await session.execute(stmt)).scalars())


async def taken_hashes(session: AsyncSession, hashes: list[str]) -> set[str]:
    """Identity hashes that belong to a current member of a household still in the registry."""
    taken: set[str] = set()
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        found = await session.execute(select(Member.current_id_hash).where(col(Member.current_id_hash).in_(chunk)))
        taken.update(h for h in found.scalars() if h is not None)
    return taken

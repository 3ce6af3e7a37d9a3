"""Village use cases: keyword-only functions over a session; they flush and emit, never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from services.households import domain
from services.households.fields import VillageCategory, shared_fields
from services.households.villages import repository
from services.households.villages.models import Village, VillageBase, VillageCategoryRow
from services.households.villages.schemas import VillageIn, VillageOut, VillagePatch
from shared.auth import Principal, ensure_readable, ensure_writable
from shared.events.households import (
    VillageRegistered,
    VillageUpdated,
)
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import Conflict, InvalidInput, NotFound
from shared.regions import COUNTIES, county_of, township_of


def village_out(v: Village) -> VillageOut:
    return VillageOut.model_validate(v, update={"county_name": COUNTIES.get(v.county_code)})


async def _set_categories(session: AsyncSession, code: str, categories: Sequence[str]) -> None:
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


async def list_villages(
    *, session: AsyncSession, principal: Principal, page: PageParams, county: str | None, township: str | None, category: str | None
) -> Page[VillageOut]:
    stmt = repository.villages(principal, county=county, township=township, category=category)
    return await paginate(session, stmt, key=Village.code, params=page, to_item=village_out)


async def village(*, session: AsyncSession, principal: Principal, code: str) -> VillageOut:
    return village_out(await get_village(session=session, principal=principal, code=code))


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
    categories: list[VillageCategory] = list(dict.fromkeys(data.categories)) if data.categories is not None else list(village.categories or [])
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
            categories=list[str](categories),
            paired_unit=paired_unit,
            characteristic_industry=village.characteristic_industry,
            helpers=helpers,
        ),
    )
    return village_out(village)

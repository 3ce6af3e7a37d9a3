"""Use cases of market linkage (R18–R21): channels, windows, points and facilities opened in scope; a village's and a base's verdicts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from policy import linkage
from services.market import domain
from services.market.base import col
from services.market.linkage import repository
from services.market.linkage.models import ColdChainFacility, Coverage, DirectSupplyChannel, EcommercePoint, ShowcaseWindow
from services.market.linkage.schemas import (
    BaseLinksOut,
    ChannelIn,
    ChannelOut,
    ColdChainIn,
    ColdChainOut,
    EcommercePointIn,
    EcommercePointOut,
    IndicatorOut,
    VillageLinksOut,
    WindowIn,
    WindowOut,
)
from services.market.partners.models import Partner
from services.market.scope import known_village
from shared.auth import Principal, ensure_readable, ensure_writable
from shared.events.market import (
    ColdChainFacilityRegistered,
    CoveredBase,
    DirectSupplyChannelOpened,
    EcommercePointRegistered,
    ShowcaseWindowOpened,
)
from shared.ids import new_id
from shared.outbox import emit
from shared.paging import Page, PageParams, paginate
from shared.problems import InvalidInput, NotFound
from shared.regions import COUNTIES

fq = domain.format_quantity


async def open_channel(*, session: AsyncSession, principal: Principal, data: ChannelIn) -> ChannelOut:
    """R18: a directed direct-supply channel (定向直通) of a village."""
    ensure_writable(principal, region=data.village_code)
    await known_village(session, data.village_code)
    if data.partner is not None and await session.get(Partner, data.partner) is None:
        raise InvalidInput("合作平台不存在", detail_en=f"unknown partner {data.partner}", field="partner")
    volume = domain.parse_quantity(data.volume, field="volume")
    channel = DirectSupplyChannel(
        id=new_id(),
        village_code=data.village_code,
        kind=data.kind,
        counterparty=data.counterparty,
        partner=data.partner,
        product=data.product,
        period_start=data.period_start,
        period_end=data.period_end,
        volume_milli=volume,
        unit=data.unit,
    )
    session.add(channel)
    await session.flush()
    emit(
        session,
        DirectSupplyChannelOpened(
            channel_id=channel.id,
            village_code=channel.village_code,
            kind=data.kind,
            counterparty=channel.counterparty,
            partner=channel.partner,
            product=channel.product,
            period_start=channel.period_start,
            period_end=channel.period_end,
            volume=fq(volume),
            unit=data.unit,
        ),
    )
    return ChannelOut.model_validate(channel)


async def list_channels(*, session: AsyncSession, principal: Principal, page: PageParams, village_code: str | None) -> Page[ChannelOut]:
    stmt = repository.visible_channels(principal, village_code)
    return await paginate(session, stmt, key=col(DirectSupplyChannel.id), params=page, to_item=ChannelOut.model_validate)


async def open_window(*, session: AsyncSession, principal: Principal, data: WindowIn) -> WindowOut:
    """R19: a physical or online showcase window at the village's paired assisting unit."""
    ensure_writable(principal, region=data.village_code)
    village = await known_village(session, data.village_code)
    unit = domain.require_window_at_paired_unit(window_unit=data.paired_unit, village_paired_unit=village.paired_unit, opened_on=data.opened_on)
    window = ShowcaseWindow(
        id=new_id(), village_code=data.village_code, paired_unit=unit, form=data.form, opened_on=data.opened_on, address_or_url=data.address_or_url
    )
    session.add(window)
    await session.flush()
    emit(
        session,
        ShowcaseWindowOpened(
            window_id=window.id,
            village_code=window.village_code,
            paired_unit=unit,
            form=data.form,
            opened_on=window.opened_on,
            address_or_url=window.address_or_url,
        ),
    )
    return WindowOut.model_validate(window)


async def list_windows(*, session: AsyncSession, principal: Principal, page: PageParams, village_code: str | None) -> Page[WindowOut]:
    stmt = repository.visible_windows(principal, village_code)
    return await paginate(session, stmt, key=col(ShowcaseWindow.id), params=page, to_item=WindowOut.model_validate)


def _check_county(county_code: str) -> None:
    if county_code not in COUNTIES:
        raise InvalidInput(f"县代码 {county_code} 不在韶关市", detail_en=f"county {county_code} is not one of Shaoguan's ten", field="county_code")


def _ensure_coverage_writable(principal: Principal, location: str, villages: list[str]) -> None:
    ensure_writable(principal, region=location)
    for code in villages:
        ensure_writable(principal, region=code)


def _coverage_rows(kind: str, facility_id: str, villages: list[str], bases: list[CoveredBase]) -> list[Coverage]:
    rows = [Coverage(id=new_id(), facility_kind=kind, facility_id=facility_id, village_code=v, base_code=None) for v in dict.fromkeys(villages)]
    rows += [Coverage(id=new_id(), facility_kind=kind, facility_id=facility_id, village_code=None, base_code=b.base_code) for b in bases]
    return rows


async def register_ecommerce_point(*, session: AsyncSession, principal: Principal, data: EcommercePointIn) -> EcommercePointOut:
    """R20: a county centre, township station or village shop and the villages and bases it serves."""
    _check_county(data.county_code)
    domain.check_ecommerce_point_location(level=data.level, county_code=data.county_code, township_code=data.township_code, village_code=data.village_code)
    domain.check_coverage_inside_county(data.county_code, data.covered_village_codes)
    covered = list(dict.fromkeys(data.covered_village_codes + ([data.village_code] if data.village_code else [])))
    location = data.village_code or data.township_code or data.county_code
    _ensure_coverage_writable(principal, location, covered)
    bases = [b.fact() for b in data.covered_bases]
    point = EcommercePoint(
        id=new_id(),
        level=data.level,
        name=data.name,
        county_code=data.county_code,
        township_code=data.township_code,
        village_code=data.village_code,
        covered_village_codes=covered,
        covered_bases=[b.model_dump() for b in bases],
        opened_on=data.opened_on,
    )
    session.add(point)
    session.add_all(_coverage_rows(repository.KIND[EcommercePoint], point.id, covered, bases))
    await session.flush()
    emit(
        session,
        EcommercePointRegistered(
            point_id=point.id,
            level=data.level,
            name=point.name,
            county_code=point.county_code,
            township_code=point.township_code,
            village_code=point.village_code,
            covered_village_codes=covered,
            covered_bases=bases,
            opened_on=point.opened_on,
        ),
    )
    return EcommercePointOut.model_validate(point)


async def list_ecommerce_points(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[EcommercePointOut]:
    stmt = repository.visible_points(principal)
    return await paginate(session, stmt, key=col(EcommercePoint.id), params=page, to_item=EcommercePointOut.model_validate)


async def register_cold_chain(*, session: AsyncSession, principal: Principal, data: ColdChainIn) -> ColdChainOut:
    """R21: a cold-chain facility and the industry bases and villages it covers."""
    _check_county(data.county_code)
    if data.township_code and not data.township_code.startswith(data.county_code):
        raise InvalidInput("乡镇不在该县内", detail_en=f"township {data.township_code} is not inside county {data.county_code}", field="township_code")
    domain.check_coverage_inside_county(data.county_code, data.covered_village_codes)
    capacity = fq(domain.parse_quantity(data.capacity, field="capacity")) if data.capacity is not None else None
    covered = list(dict.fromkeys(data.covered_village_codes))
    _ensure_coverage_writable(principal, data.township_code or data.county_code, covered)
    bases = [b.fact() for b in data.covered_bases]
    facility = ColdChainFacility(
        id=new_id(),
        kind=data.kind,
        name=data.name,
        county_code=data.county_code,
        township_code=data.township_code,
        capacity=capacity,
        capacity_unit=data.capacity_unit,
        covered_village_codes=covered,
        covered_bases=[b.model_dump() for b in bases],
        opened_on=data.opened_on,
    )
    session.add(facility)
    session.add_all(_coverage_rows(repository.KIND[ColdChainFacility], facility.id, covered, bases))
    await session.flush()
    emit(
        session,
        ColdChainFacilityRegistered(
            facility_id=facility.id,
            kind=data.kind,
            name=facility.name,
            county_code=facility.county_code,
            township_code=facility.township_code,
            capacity=capacity,
            capacity_unit=facility.capacity_unit,
            covered_village_codes=covered,
            covered_bases=bases,
            opened_on=facility.opened_on,
        ),
    )
    return ColdChainOut.model_validate(facility)


async def list_cold_chain(*, session: AsyncSession, principal: Principal, page: PageParams) -> Page[ColdChainOut]:
    stmt = repository.visible_facilities(principal)
    return await paginate(session, stmt, key=col(ColdChainFacility.id), params=page, to_item=ColdChainOut.model_validate)


def _indicator(verdict: linkage.Verdict[Any]) -> IndicatorOut:
    return IndicatorOut.model_validate(verdict)


async def village_links(*, session: AsyncSession, principal: Principal, village_code: str, on: date) -> VillageLinksOut:
    """R18–R21 for one village on a day, from the channels, windows, points and facilities market holds (policy.linkage)."""
    ensure_readable(principal, region=village_code, what="村")
    await known_village(session, village_code)
    day = linkage.Span.day(on)
    channels = await repository.channels_of(session, village_code)
    windows = await repository.windows_of(session, village_code)
    points = await repository.covering_village(session, EcommercePoint, village_code)
    facilities = await repository.covering_village(session, ColdChainFacility, village_code)
    return VillageLinksOut(
        village_code=village_code,
        on=on,
        r18_direct_supply=_indicator(linkage.r18_direct_supply(channels, day)),
        r19_showcase_window=_indicator(linkage.r19_showcase_window(windows, day)),
        r20_ecommerce_station=_indicator(linkage.r20_ecommerce_station(points, day)),
        r21_cold_chain=_indicator(linkage.r21_cold_chain(facilities, day).coverage),
    )


async def base_links(*, session: AsyncSession, principal: Principal, base_code: str, on: date) -> BaseLinksOut:
    """R20/R21 for one industry base: the e-commerce points and cold-chain facilities (pre-cooling apart) covering it."""
    points = await repository.covering_base(session, principal, EcommercePoint, base_code)
    facilities = await repository.covering_base(session, principal, ColdChainFacility, base_code)
    day = linkage.Span.day(on)
    # A base is described by the facilities covering it that are open on the day, as before.
    open_points = linkage.r20_ecommerce_station(points, day)
    open_facilities = [f for f in facilities if f.opened_on <= on]
    bases = [b for p in open_points.counted for b in p.covered_bases or []] + [b for f in open_facilities for b in f.covered_bases or []]
    described = [CoveredBase.model_validate(b) for b in bases if b.get("base_code") == base_code]
    if not described:
        raise NotFound("基地不存在", detail_en=f"no e-commerce point or cold-chain facility covers base {base_code}")
    is_large = any(b.is_large for b in described)
    cold_chain = linkage.r21_cold_chain(facilities, day, large_base=is_large)
    return BaseLinksOut(
        base_code=base_code,
        name=described[0].name,
        is_large=is_large,
        on=on,
        r20_ecommerce_station=_indicator(open_points),
        r21_cold_chain=_indicator(cold_chain.coverage),
        r21_pre_cooling=_indicator(cold_chain.pre_cooling),
    )

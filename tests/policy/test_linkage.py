"""R18–R21 (policy.linkage): the one judgement the market and the ledger share, over a span of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from policy.linkage import (
    Span,
    r18_direct_supply,
    r19_showcase_window,
    r20_ecommerce_station,
    r21_cold_chain,
)


@dataclass(frozen=True)
class Channel:
    period_start: date
    period_end: date


@dataclass(frozen=True)
class Window:
    paired_unit: str
    opened_on: date


@dataclass(frozen=True)
class Facility:
    kind: str
    opened_on: date


IN_2020 = Channel(date(2020, 1, 1), date(2020, 12, 31))


def test_r18_a_channel_counts_only_on_the_days_of_its_period():
    assert r18_direct_supply([IN_2020], Span.day(date(2020, 6, 1))).met is True
    assert r18_direct_supply([IN_2020], Span.day(date(2027, 6, 1))).met is False
    assert r18_direct_supply([IN_2020], Span.day(date(2019, 12, 31))).met is False


def test_r18_a_year_is_met_by_a_channel_in_force_on_any_of_its_days():
    assert r18_direct_supply([IN_2020], Span.year(2020)).counted == (IN_2020,)
    assert r18_direct_supply([IN_2020], Span.year(2027)).met is False
    across = Channel(date(2026, 3, 1), date(2027, 2, 28))
    assert [r18_direct_supply([across], Span.year(y)).met for y in (2025, 2026, 2027, 2028)] == [False, True, True, False]


def test_r19_a_window_counts_from_its_opening_day_and_only_at_the_paired_unit():
    w = Window("东莞市某局", date(2027, 3, 1))
    assert r19_showcase_window([w], Span.day(date(2027, 2, 28))).met is False
    assert r19_showcase_window([w], Span.day(date(2027, 3, 1))).met is True
    assert r19_showcase_window([w], Span.year(2027), paired_unit=" 东莞市某局 ").met is True
    assert r19_showcase_window([w], Span.year(2027), paired_unit="韶关市某局").met is False


def test_r20_a_station_counts_from_its_opening_day():
    points = [Window("x", date(2026, 3, 1)), Window("x", date(2027, 1, 1))]
    assert r20_ecommerce_station(points, Span.year(2026)).count == 1
    assert r20_ecommerce_station(points, Span.day(date(2026, 2, 28))).met is False


def test_r21_pre_cooling_is_required_only_at_large_bases():
    day = Span.day(date(2026, 6, 1))
    storage, cooling = Facility("storage", date(2026, 1, 1)), Facility("pre_cooling", date(2026, 1, 1))
    assert r21_cold_chain([storage], day, large_base=True).met is False
    assert r21_cold_chain([storage, cooling], day, large_base=True).met is True
    assert r21_cold_chain([storage], day, large_base=False).met is True
    assert r21_cold_chain([], day).coverage.met is False
    later = Facility("pre_cooling", date(2026, 7, 1))
    assert r21_cold_chain([storage, later], day, large_base=True).pre_cooling.met is False

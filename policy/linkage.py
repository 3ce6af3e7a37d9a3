"""R18–R21 (§6), market linkage, judged once for the market service and the ledger.

Each rule answers for a place (a village, or an industry base) over a ``Span`` of days: the
market asks about one day (``Span.day(on)``), the ledger about a calendar year
(``Span.year(2027)``). Something counts only while it is in force within the span: a
direct-supply channel from ``period_start`` to ``period_end``, a window, station or facility from
``opened_on`` on. Which items are the place's (the village's channels, the stations covering it)
is the caller's selection; the rule judges what it is given and returns the items that count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Generic, Protocol, TypeVar


@dataclass(frozen=True)
class Span:
    """The days judged, both ends included."""

    first: date
    last: date

    @classmethod
    def day(cls, on: date) -> Span:
        return cls(on, on)

    @classmethod
    def year(cls, year: int) -> Span:
        return cls(date(year, 1, 1), date(year, 12, 31))


class HasPeriod(Protocol):
    @property
    def period_start(self) -> date: ...
    @property
    def period_end(self) -> date: ...


class Opened(Protocol):
    @property
    def opened_on(self) -> date: ...


class AtUnit(Opened, Protocol):
    @property
    def paired_unit(self) -> str: ...


class Facility(Opened, Protocol):
    @property
    def kind(self) -> str: ...


T = TypeVar("T")
P = TypeVar("P", bound=HasPeriod)
OpenedT = TypeVar("OpenedT", bound=Opened)
W = TypeVar("W", bound=AtUnit)
F = TypeVar("F", bound=Facility)


@dataclass(frozen=True)
class Verdict(Generic[T]):
    """A rule's answer: met or not, and the items that count for it (in the order given)."""

    rule: str
    met: bool
    counted: tuple[T, ...]

    @property
    def count(self) -> int:
        return len(self.counted)


def _opened_by(item: Opened, span: Span) -> bool:
    return item.opened_on <= span.last


def r18_direct_supply(channels: Iterable[P], span: Span) -> Verdict[P]:
    """R18 §6.1: ≥1 directed direct-supply channel (定向直通) in force on a day of ``span``."""
    counted = tuple(c for c in channels if c.period_start <= span.last and span.first <= c.period_end)
    return Verdict("R18", bool(counted), counted)


def r19_showcase_window(windows: Iterable[W], span: Span, *, paired_unit: str | None = None) -> Verdict[W]:
    """R19 §6.2: ≥1 physical or online showcase window open in ``span`` at the village's paired assisting unit.

    With ``paired_unit`` None (the village has none on record) a window at any unit counts.
    """
    unit = (paired_unit or "").strip()
    counted = tuple(w for w in windows if _opened_by(w, span) and (not unit or w.paired_unit.strip() == unit))
    return Verdict("R19", bool(counted), counted)


def r20_ecommerce_station(points: Iterable[OpenedT], span: Span) -> Verdict[OpenedT]:
    """R20 §6.3: ≥1 e-commerce service centre, station or shop covering the place, open in ``span``."""
    counted = tuple(p for p in points if _opened_by(p, span))
    return Verdict("R20", bool(counted), counted)


@dataclass(frozen=True)
class ColdChainVerdict(Generic[T]):
    """R21's two parts: cold chain covers the place; a large (township) production base also has pre-cooling."""

    coverage: Verdict[T]
    pre_cooling: Verdict[T]

    @property
    def met(self) -> bool:
        return self.coverage.met and self.pre_cooling.met


def r21_cold_chain(facilities: Iterable[F], span: Span, *, large_base: bool = False) -> ColdChainVerdict[F]:
    """R21 §6.4: cold chain covers the place (open in ``span``); every large base has pre-cooling, others need none."""
    covering = tuple(f for f in facilities if _opened_by(f, span))
    cooling = tuple(f for f in covering if f.kind == "pre_cooling")
    return ColdChainVerdict(Verdict("R21", bool(covering), covering), Verdict("R21", bool(cooling) or not large_base, cooling))

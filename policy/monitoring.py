"""Return-to-poverty monitoring (防返贫动态监测): the monitoring line per year and the warning thresholds.

Pure, like ``policy.thresholds``. The values in force come from ``policy.settings.monitoring()``
(``FUPIN_MONITORING_*`` overrides them). The ledger raises its early-warning flags with these
numbers (``services/ledger/monitoring/domain.py``); ``docs/monitoring.md`` states every flag.

The monitoring line is a per-capita annual income in fen, set each year by the national rural
revitalisation administration (the province may set a higher one). The defaults, with their source:

- 2016–2020: 4,000 yuan — Guangdong's standard for relatively poor households in the 2016–2020
  campaign (家庭年人均可支配收入低于 4000 元, 2016 prices), the standard Shaoguan's 2018 policy
  (韶扶组〔2018〕3号) works under.
- 2021: 6,000 yuan, 2022: 6,600 yuan, 2023: 6,900 yuan — the national 防止返贫监测范围 announced
  for each year (about 1.5× the national poverty line of the year, the rule the 2020 monitoring
  mechanism set). These are the figures as the project understands them; an office replaces them
  with the year's notice through ``FUPIN_MONITORING_LINES``.
- a later year without its own figure uses the latest earlier one (the line is never lowered), and
  is reported as ``carried_forward`` so nobody mistakes it for a published figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

YUAN = 100  # fen

DEFAULT_LINES: Mapping[int, int] = {
    **{year: 4_000 * YUAN for year in range(2016, 2021)},
    2021: 6_000 * YUAN,
    2022: 6_600 * YUAN,
    2023: 6_900 * YUAN,
}


@dataclass(frozen=True)
class MonitoringLine:
    """The line in force for a year, and whether it was published for that year or carried forward."""

    year: int
    fen: int
    carried_forward: bool


@dataclass(frozen=True)
class Monitoring:
    """The early warning's numbers: fen, basis points, months."""

    lines: Mapping[int, int] = field(default_factory=lambda: dict(DEFAULT_LINES))
    near_line_bp: int = 15_000  # "near the line": projected per capita below 1.5× the line (the 2020 mechanism's margin)
    drop_bp: int = 3_000  # a fall of more than 30% against the same months of last year
    no_income_months: int = 6  # no income of any type for this many whole months
    asset_gap_months: int = 13  # an asset that paid the household has not paid for this many months (yearly dividends, one month's grace)

    def line(self, year: int) -> MonitoringLine:
        """The monitoring line for ``year``: its own figure, else the latest earlier one; the earliest for an earlier year."""
        if year in self.lines:
            return MonitoringLine(year, self.lines[year], False)
        earlier = [y for y in self.lines if y < year]
        if earlier:
            return MonitoringLine(year, self.lines[max(earlier)], True)
        return MonitoringLine(year, self.lines[min(self.lines)], True)


MONITORING_DEFAULTS = Monitoring()

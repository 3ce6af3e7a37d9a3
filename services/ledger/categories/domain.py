"""The national income categories (住户收支调查: 工资性, 经营净, 财产净, 转移净) from the six benefit types, pure.

``CATEGORY_OF`` is the one place the mapping is stated; ``docs/monitoring.md`` gives the reasoning
at length. In short, by what the household does to earn each yuan under 韶扶组〔2018〕3号 §5:

- ``wage_labor`` (§5.2, wages from an entity) → **wage**: pay for work for an employer.
- ``order_production`` (§5.1, its own produce sold under an order contract) → **business**: the
  household produces and sells; the production costs recorded against it are deducted (net).
- ``lease_back`` (§5.3, managing a base leased back to it) → **business**: the household runs the
  base itself and keeps what it earns (承包经营), which is operating income, not rent.
- ``policy_support`` (§5.4, subsidies, incl. its share of policy income on transferred land) →
  **transfer**: policy subsidies (政策性补贴) are transfer income in the national survey.
- ``asset_income`` (§5.5, land rent and dividends of assets built with assistance funds) →
  **property**: rent of land use rights (土地经营权租金) and dividends are property income.
- ``equity_dividend`` (§5.6, dividends on shares) → **property**: dividends (红利) on shares.

The survey's categories are net of what the household pays against them. The ledger knows only the
production costs recorded against order income, so only the business figure can be net; every
figure says which it is (``basis``), and a gross one is an upper bound of the net.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from shared.events.income import BENEFIT_TYPES, BenefitType

Category = Literal["wage", "business", "property", "transfer"]
Basis = Literal["net", "gross"]
CATEGORIES: tuple[Category, ...] = ("wage", "business", "property", "transfer")

CATEGORY_OF: Mapping[str, Category] = {
    BenefitType.wage_labor: "wage",
    BenefitType.order_production: "business",
    BenefitType.lease_back: "business",
    BenefitType.policy_support: "transfer",
    BenefitType.asset_income: "property",
    BenefitType.equity_dividend: "property",
}
assert set(CATEGORY_OF) == set(BENEFIT_TYPES), "every benefit type has exactly one category"

CATEGORY_NAMES_ZH: Mapping[Category, str] = {"wage": "工资性收入", "business": "经营净收入", "property": "财产净收入", "transfer": "转移净收入"}
COSTED: frozenset[str] = frozenset({BenefitType.order_production})  # the types a production cost is recorded against


@dataclass(frozen=True)
class Figure:
    gross_fen: int
    costs_fen: int
    net_fen: int
    basis: Basis


def categorise(by_type: Mapping[str, int], costs_fen: int = 0) -> dict[Category, Figure]:
    """Each category's figure: its benefit types summed (gross), less the recorded costs where it bears them."""
    gross = dict.fromkeys(CATEGORIES, 0)
    for benefit, fen in by_type.items():
        gross[CATEGORY_OF[benefit]] += int(fen)
    out: dict[Category, Figure] = {}
    for category in CATEGORIES:
        costs = costs_fen if category == CATEGORY_OF[BenefitType.order_production] else 0
        out[category] = Figure(gross[category], costs, gross[category] - costs, "net" if costs else "gross")
    return out

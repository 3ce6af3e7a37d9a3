"""Market rules, pure: no I/O. Order farming at floor prices (R12, §5.1) and market linkage (R18–R21, §6).

Quantities are exact: a decimal string in the contract's unit with at most three decimals, kept
as an integer number of thousandths of the unit (``milli``) in tables and arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from policy import linkage
from shared.bounds import MAX_PAYMENT_FEN, MAX_UNIT_PRICE_FEN
from shared.errors import InvalidInput, RuleViolation

QUANTITY_DECIMALS = 3
MILLI = 1000
# Bounds that catch typos without limiting real trade: 10 million units, 1 million yuan per unit
# (shared/bounds.py's MAX_UNIT_PRICE_FEN); one delivery's settlement is one income line, at most
# MAX_PAYMENT_FEN like every other payment.
MAX_QUANTITY = 10_000_000
MAX_QUANTITY_MILLI = MAX_QUANTITY * MILLI
MAX_LINES = 10_000  # an order line number
MAX_ORDER_LINES = 500  # lines in one partner order


def parse_quantity(text: str, *, field: str, allow_zero: bool = False) -> int:
    """A decimal string (``"12.5"``) as an integer number of thousandths of the unit; never a float."""
    if not isinstance(text, str):
        raise InvalidInput("数量须为十进制字符串", detail_en='quantity must be a decimal string such as "12.5"', field=field)
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidInput(f"数量 {text!r} 不是十进制数", detail_en=f"quantity {text!r} is not a decimal number", field=field) from None
    if not value.is_finite():
        raise InvalidInput("数量不是有限数", detail_en="quantity must be finite", field=field)
    if abs(value) > MAX_QUANTITY_MILLI // MILLI:
        raise InvalidInput("数量过大", detail_en="quantity is implausibly large", field=field)
    scaled = value * MILLI
    if scaled != scaled.to_integral_value():
        raise InvalidInput(f"数量最多 {QUANTITY_DECIMALS} 位小数", detail_en=f"quantity has more than {QUANTITY_DECIMALS} decimals", field=field)
    milli = int(scaled)
    if milli < 0 or (milli == 0 and not allow_zero):
        raise InvalidInput("数量须大于零", detail_en="quantity must be greater than zero", field=field)
    if milli > MAX_QUANTITY_MILLI:
        raise InvalidInput("数量过大", detail_en="quantity is implausibly large", field=field)
    return milli


def format_quantity(milli: int) -> str:
    """Thousandths back to the shortest exact decimal string: 12500 → ``"12.5"``."""
    sign = "-" if milli < 0 else ""
    whole, frac = divmod(abs(milli), MILLI)
    if not frac:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac:03d}".rstrip("0")


def line_amount_fen(quantity_milli: int, unit_price_fen: int) -> int:
    """quantity × unit price, rounded half up to the fen (the one rounding rule of this service)."""
    return _round_half_up_div(quantity_milli * unit_price_fen, MILLI)


def _round_half_up_div(numerator: int, denominator: int) -> int:
    # Integers only: for non-negative values, floor((2n + d) / 2d) is n/d rounded half up.
    return (2 * numerator + denominator) // (2 * denominator)


# ---- R12: order farming at a guaranteed floor price (保底价包销, §5.1) ------------------------


@dataclass(frozen=True)
class Settlement:
    paid_price_fen: int
    amount_fen: int
    floor_applied: bool


def settlement_amount_r12(*, quantity_milli: int, floor_price_fen: int, market_price_fen: int) -> Settlement:
    """R12: the entity pays at least the floor price: max(floor, market) per unit × quantity.

    Rounding: the exact product of the quantity (thousandths of a unit) and the per-unit price
    is rounded half up to the fen, once per delivery — so the household never receives less
    than floor × quantity minus half a fen, and an integer quantity is paid exactly.
    """
    if quantity_milli <= 0:
        raise ValueError("quantity must be positive")
    if floor_price_fen < 0 or market_price_fen < 0:
        raise ValueError("prices must not be negative")
    paid = max(floor_price_fen, market_price_fen)
    amount = line_amount_fen(quantity_milli, paid)
    return Settlement(
        paid_price_fen=paid,
        amount_fen=amount,
        floor_applied=floor_price_fen > market_price_fen,
    )


def check_settlement_within_payment_ceiling(amount_fen: int, *, field: str = "quantity") -> None:
    """One delivery's settlement is one income line: at most ``MAX_PAYMENT_FEN``, like every payment (shared/bounds.py)."""
    if amount_fen > MAX_PAYMENT_FEN:
        raise InvalidInput(
            f"单次交付结算金额不得超过 {MAX_PAYMENT_FEN} 分，请分次交付",
            detail_en=f"one delivery settles at most {MAX_PAYMENT_FEN} fen (one payment's ceiling); this one would be {amount_fen}: split it",
            field=field,
            amount_fen=amount_fen,
            max_fen=MAX_PAYMENT_FEN,
        )


def check_floor_price_plausible(floor_price_fen: int, *, field: str = "floor_price_fen") -> None:
    """A floor price within the bound every unit price has (R12 itself is ``policy.market.r12_order_farming``)."""
    if floor_price_fen > MAX_UNIT_PRICE_FEN:
        raise InvalidInput("保底价过高", detail_en="floor price is implausibly high", field=field)


def check_fill(
    *,
    line_product: str,
    delivery_product: str,
    line_unit: str,
    delivery_unit: str,
    quantity_milli: int,
    line_open_milli: int,
    delivery_open_milli: int,
    match_field: str = "delivery_id",
    quantity_field: str = "quantity",
) -> None:
    """A partner order line is filled only with the same product, in the same unit, within what both still have open."""
    if line_product != delivery_product:
        raise InvalidInput("交付的产品与订单行不符", detail_en=f"delivery is {delivery_product}, order line wants {line_product}", field=match_field)
    if line_unit != delivery_unit:
        raise InvalidInput("计量单位不一致", detail_en=f"delivery is in {delivery_unit}, order line in {line_unit}", field=match_field)
    if quantity_milli > line_open_milli:
        raise InvalidInput("超过订单行未满足的数量", detail_en=f"only {format_quantity(line_open_milli)} of the line is still open", field=quantity_field)
    if quantity_milli > delivery_open_milli:
        raise InvalidInput(
            "超过该交付未分配的数量", detail_en=f"only {format_quantity(delivery_open_milli)} of the delivery is unallocated", field=quantity_field
        )


# ---- R18–R21: market linkage per village (§6) -------------------------------------------------
# The verdicts are policy.linkage's (one implementation, the ledger's too); what stays here are the
# refusals of a write: where a window sits (R19), where a station sits (R20), what coverage names.


def require_window_at_paired_unit(*, window_unit: str | None, village_paired_unit: str | None, opened_on: date) -> str:
    """R19: a village's showcase window sits at its paired assisting unit (对口帮扶单位); returns that unit.

    The unit defaults to the village's; the window is refused unless, alone, it would meet R19
    for the village on the day it opens (``policy.linkage.r19_showcase_window``).
    """
    unit = (window_unit or village_paired_unit or "").strip()
    if not unit:
        raise RuleViolation(
            "R19",
            "展销窗口须设在对口帮扶单位，该村未登记对口帮扶单位",
            detail_en="a showcase window sits at the village's paired assisting unit; none is known for this village — name it",
            field="paired_unit",
        )
    proposed = _Window(paired_unit=unit, opened_on=opened_on)
    if not linkage.r19_showcase_window([proposed], linkage.Span.day(opened_on), paired_unit=village_paired_unit).met:
        raise RuleViolation(
            "R19",
            f"展销窗口须设在该村的对口帮扶单位（{village_paired_unit}）",
            detail_en=f"the window must be at the village's paired assisting unit ({village_paired_unit})",
            field="paired_unit",
            village_paired_unit=village_paired_unit,
            given=unit,
        )
    return unit


@dataclass(frozen=True)
class _Window:
    paired_unit: str
    opened_on: date


def check_ecommerce_point_location(*, level: str, county_code: str, township_code: str | None, village_code: str | None) -> None:
    """R20: a county centre sits in a county, a township station in a township, a village shop in a village."""
    needed = {"township_station": ("township_code", township_code), "village_shop": ("village_code", village_code)}.get(level)
    if needed and not needed[1]:
        raise RuleViolation("R20", f"{level} 须指明所在的{needed[0]}", detail_en=f"a {level} needs its {needed[0]}", field=needed[0])
    for name, code in (("township_code", township_code), ("village_code", village_code)):
        if code and not code.startswith(county_code):
            raise InvalidInput(f"{name} 不在县 {county_code} 内", detail_en=f"{name} {code} is not inside county {county_code}", field=name)


def check_coverage_inside_county(county_code: str, village_codes: Iterable[str]) -> None:
    for i, code in enumerate(village_codes):
        if not code.startswith(county_code):
            raise InvalidInput(
                f"覆盖村 {code} 不在县 {county_code} 内",
                detail_en=f"covered village {code} is not inside county {county_code}",
                field=f"covered_village_codes[{i}]",
            )

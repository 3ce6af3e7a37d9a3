"""R12 (§5.1), order farming: entities buy at a guaranteed floor price (保底价包销) — one function.

Pure. Market calls it as an order contract is signed and as a delivery is settled; the ledger calls
it for each contract in force and each delivery it booked as ``order_production`` income.
(R18–R21, market linkage, are ``policy.linkage``.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from policy.verdicts import Breach, Outcome, Term, outcome


@dataclass(frozen=True)
class Quantities:
    """A delivery's quantity against the contract's, in thousandths of a unit; ``show`` writes one back as text."""

    delivered_milli: int
    quantity_milli: int
    contracted_milli: int
    show: Callable[[int], str] = str


def r12_order_farming(
    *, floor_price_fen: int | None = None, delivered_on: date | None = None, contract_term: Term | None = None, quantities: Quantities | None = None
) -> Outcome:
    """R12 (§5.1): an order contract guarantees a floor price above zero; a delivery is bought under it only within
    its term (``delivered_on`` in ``contract_term``) and its contracted quantity (``quantities``)."""
    floor = None
    if floor_price_fen is not None and floor_price_fen <= 0:
        floor = Breach(
            "R12",
            "订单合同须约定大于零的保底收购价",
            "an order contract must guarantee a floor price above zero",
            "floor_price_fen",
            {"floor_price_fen": floor_price_fen},
        )
    term = None
    if delivered_on is not None and contract_term is not None and not contract_term.start <= delivered_on <= contract_term.end:
        term = Breach(
            "R12",
            "交付日期不在订单合同期限内",
            f"delivery date {delivered_on} is outside the contract term {contract_term.start}..{contract_term.end}",
            "delivered_on",
            {"starts_on": str(contract_term.start), "ends_on": str(contract_term.end)},
        )
    quantity = None
    if quantities is not None and quantities.delivered_milli + quantities.quantity_milli > quantities.contracted_milli:
        q = quantities
        quantity = Breach(
            "R12",
            "交付数量超过订单合同约定的包销数量",
            "deliveries would exceed the contracted quantity",
            "quantity",
            {"contracted": q.show(q.contracted_milli), "already_delivered": q.show(q.delivered_milli), "requested": q.show(q.quantity_milli)},
        )
    return outcome("R12", floor, term, quantity)

"""The village notice's hold on money (公示, docs/oversight.md): one mechanism for every payment a notice gates.

A gated row — a distribution (dividends, asset income) or a subsidy split — carries ``release``: ``held`` from its
approval until its notice closes; then ``released`` (the income facts go, the payment request is payable) or
``blocked`` (an objection upheld: nothing goes until a correction supersedes the notice); ``cancelled`` when it is
withdrawn or reversed while held. ``None``: no window, paid at approval. The kinds' own payments differ; the states,
the transitions and the answers to oversight's ``notice_closed`` are these, once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from services.funds import domain
from shared.problems import Conflict

HELD, RELEASED, BLOCKED, CANCELLED = "held", "released", "blocked", "cancelled"
WAITING = (HELD, BLOCKED)  # approved, the money not gone: a withdrawal is still a correction, not a reversal


class Gated(Protocol):
    """A row whose money a notice may hold: its status (``approved`` once approved) and its ``release``."""

    id: str
    status: str
    release: str | None


class Withdrawable(Gated, Protocol):
    withdrawn_by: str | None
    withdrawal_reason: str | None


def hold(window: timedelta) -> str | None:
    """The release state an approval starts in: held while a window runs; None (paid at once) with the gate off."""
    return HELD if domain.notice_holds_money(window) else None


def waiting(row: Gated) -> bool:
    return row.status == "approved" and row.release in WAITING


def cancel(row: Gated) -> None:
    """Withdrawn or reversed before its notice released it: nothing was paid, nothing will be."""
    if row.release in WAITING:
        row.release = CANCELLED


def withdraw(row: Withdrawable, *, by: str, reason: str | None) -> None:
    """The row stays, ``withdrawn``, with who and why; money its notice still held is cancelled (the notice is superseded)."""
    row.status, row.withdrawn_by, row.withdrawal_reason = "withdrawn", by, reason
    cancel(row)


def ensure_released(row: Gated, *, what: str, field: str) -> None:
    """A payment request against a gated row is payable only once its notice released the money (§2.3, §4.1)."""
    if row.release in WAITING:
        blocked = row.release == BLOCKED
        raise Conflict(
            f"{what}的公示{'异议成立，暂停放款' if blocked else '尚未期满'}，不能拨款",
            detail_en=f"the {field.removesuffix('_id')}'s village notice is {'blocked by an upheld objection' if blocked else 'still open'}: "
            "it is payable once the notice closes released",
            code="notice_not_released",
            rule="公示",
            field=field,
            release=row.release,
        )
    if row.release == CANCELLED or row.status != "approved":
        raise Conflict(
            f"{what}已撤回或冲正，不能拨款",
            detail_en=f"the {field.removesuffix('_id')} is {row.status}: nothing of it is paid",
            code="notice_superseded",
            rule="公示",
            field=field,
            release=row.release,
        )


Pay = Callable[[AsyncSession, Any, str], Awaitable[None]]


@dataclass(frozen=True)
class Kind:
    """What the gate needs of a kind: its table, and how its held money is paid (income facts, released fact)."""

    model: type[Any]
    pay: Pay


async def release(session: AsyncSession, kind: Kind, *, subject_id: str, notice_id: str) -> bool:
    """The notice closed with no upheld objection: pay what was held, once (a withdrawn or reversed row is not paid)."""
    row = await session.get(kind.model, subject_id, with_for_update=True)
    if row is None or not waiting(row):
        return False
    await kind.pay(session, row, notice_id)
    row.release = RELEASED
    await session.flush()
    return True


async def block(session: AsyncSession, kind: Kind, *, subject_id: str) -> None:
    """An objection was upheld: the money stays held until a correction (withdrawal, reversal, a new proposal) supersedes the notice."""
    row = await session.get(kind.model, subject_id, with_for_update=True)
    if row is not None and row.status == "approved" and row.release == HELD:
        row.release = BLOCKED
        await session.flush()


async def on_notice_closed(session: AsyncSession, kinds: Mapping[str, Kind], *, kind: str, outcome: str, subject_id: str, notice_id: str) -> None:
    """Funds' answer to ``notice_closed``: released → pay, blocked → keep holding; other kinds (the registry's) hold no money."""
    gated = kinds.get(kind)
    if gated is None:
        return
    if outcome == "released":
        await release(session, gated, subject_id=subject_id, notice_id=notice_id)
    elif outcome == "blocked":
        await block(session, gated, subject_id=subject_id)

"""The rules of the village notice (公示) and of objections, pure: no I/O, no framework.

Policy: entities "accept members' supervision" (§2.3), distributions "protect the rights of poor
households" (§2.3, §4.1), each household's "link and share in the chain be explicit" (§5.6, R17).
In the village that is a list posted before money is paid; here the money waits for it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from shared.errors import Conflict

# Crockford's base32 without the letters read as digits (I, L, O, U): a code read aloud or typed from paper.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8

# The rule whose floor a posted split satisfies, as the notice states it (韶扶组〔2018〕3号).
RULE_TEXT = {
    "R3": "§1.1 引导资金新增收益的 60% 以上由本村贫困户分享",
    "R9": "§4.1 三权分置：分配利润的 50% 以上（或协议约定的更高比例）归贫困户",
    "R10": "§4.2 资产收益的 50% 以上归贫困户",
    "R17": "§5.6 入股分红：贫困户的链接与份额明确，分得 50% 以上",
}

OPEN_STATUSES = ("received", "investigating")
DECIDED = ("upheld", "rejected")
# The workflow: what each status may become.
TRANSITIONS: dict[str, tuple[str, ...]] = {"received": ("investigating",), "investigating": ("upheld", "rejected"), "upheld": (), "rejected": ()}


def verification_code() -> str:
    """A short random code, printed on the notice, that finds its public page: e.g. ``K7Q2M9XD`` (shown ``K7Q2-M9XD``)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """What a reader types, as stored: upper case, without the dash or spaces; O read as 0, I and L as 1."""
    return value.strip().upper().replace("-", "").replace(" ", "").replace("O", "0").replace("I", "1").replace("L", "1")


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def digest(posted: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of what was posted (keys sorted, no spaces, UTF-8): the notice's fingerprint in the log."""
    return hashlib.sha256(json.dumps(posted, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()


def closes_at(opened_at: datetime, window: timedelta) -> datetime:
    return opened_at + window


def is_gated(window: timedelta) -> bool:
    """A window of 0 switches the gate off: the money is released at approval and the notice says so."""
    return window > timedelta(0)


@dataclass(frozen=True)
class CaseState:
    id: str
    status: str


@dataclass(frozen=True)
class Verdict:
    """Whether a notice closes now, and how: ``released`` or ``blocked`` (by the upheld objections it names)."""

    closes: bool
    outcome: str | None = None
    upheld: tuple[str, ...] = ()


def notice_verdict(*, now: datetime, closes_at: datetime, objections: Iterable[CaseState]) -> Verdict:
    """The window must have ended and every objection be decided; one upheld objection blocks the money."""
    objections = list(objections)
    if now < closes_at or any(o.status in OPEN_STATUSES for o in objections):
        return Verdict(closes=False)
    upheld = tuple(sorted(o.id for o in objections if o.status == "upheld"))
    return Verdict(closes=True, outcome="blocked" if upheld else "released", upheld=upheld)


def check_transition(current: str, target: str) -> None:
    """received → investigating → upheld / rejected; a decided case is not reopened."""
    if target not in TRANSITIONS.get(current, ()):
        raise Conflict(
            f"不能从 {current} 变为 {target}",
            detail_en=f"a case that is {current} cannot become {target} (received → investigating → upheld / rejected)",
            code="invalid_transition",
            status_from=current,
            status_to=target,
        )


def deadline_for(today: date, days: int) -> date:
    return today + timedelta(days=days)


def is_overdue(*, status: str, deadline: date, today: date) -> bool:
    return status in OPEN_STATUSES and deadline < today

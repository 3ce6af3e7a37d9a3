"""Household rules, pure: no I/O. The policy's words for who counts and who can work."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol


class MemberFacts(Protocol):
    labour_capacity: str
    joined_on: date
    left_on: date | None


def is_member_on(member: MemberFacts, day: date) -> bool:
    return member.joined_on <= day and (member.left_on is None or member.left_on > day)


def household_size_on(members: Iterable[MemberFacts], day: date) -> int:
    """Household size as of ``day``: members who had joined and not yet left."""
    return sum(1 for m in members if is_member_on(m, day))


def labour_count_on(members: Iterable[MemberFacts], day: date) -> int:
    """Members with (full or partial) labour capacity as of ``day`` — those R6/R7/R13 speak of."""
    return sum(1 for m in members if is_member_on(m, day) and m.labour_capacity in ("full", "partial"))

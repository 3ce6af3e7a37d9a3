"""The sessions' reads that lists share: enrolled counts and attended days, one grouped query each."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from services.training.sessions.models import Attendance, Enrolment


async def _enrolled_counts(session: AsyncSession, session_ids: Sequence[str]) -> dict[str, int]:
    if not session_ids:
        return {}
    rows = await session.execute(select(Enrolment.session_id, func.count()).where(col(Enrolment.session_id).in_(session_ids)).group_by(Enrolment.session_id))
    return {sid: int(n) for sid, n in rows.all()}


async def _days_by_enrolment(session: AsyncSession, enrolment_ids: Sequence[str]) -> dict[str, int]:
    if not enrolment_ids:
        return {}
    rows = await session.execute(
        select(Attendance.enrolment_id, func.count()).where(col(Attendance.enrolment_id).in_(enrolment_ids)).group_by(Attendance.enrolment_id)
    )
    return {eid: int(n) for eid, n in rows.all()}

"""Reads of projects and shares: the scoped statements, with what an answer needs loaded up front."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlmodel import col

from services.funds.projects.models import Funding, Project, QuantifiedShare
from shared.auth import Principal, visible

# A ProjectOut holds its fundings and its agreement: one query each for a whole page, never one per project.
_ANSWERED: tuple[Any, ...] = (Project.funded_by, Project.agreement)  # (SQLModel types a relationship as its Python value)
ANSWER_LOADS = tuple(selectinload(relationship) for relationship in _ANSWERED)


def visible_projects(principal: Principal) -> Select[Any]:
    return select(Project).where(visible(principal, region=col(Project.village_code), entity=col(Project.entity_id))).options(*ANSWER_LOADS)


async def project_for_answer(session: AsyncSession, project_id: str) -> Project | None:
    """The project with its fundings and agreement loaded (afresh: they may have been written in this transaction)."""
    stmt = select(Project).where(col(Project.id) == project_id).options(*ANSWER_LOADS).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one_or_none()


def shares_of(*, project_id: str) -> Select[Any]:
    return select(QuantifiedShare).where(col(QuantifiedShare.project_id) == project_id)


async def fundings_of(session: AsyncSession, *, project_id: str | None = None, asset_id: str | None = None) -> list[Funding]:
    """What funded a project or an asset, allocation by allocation."""
    stmt = select(Funding).order_by(col(Funding.id))
    stmt = stmt.where(col(Funding.project_id) == project_id) if project_id else stmt.where(col(Funding.asset_id) == asset_id)
    return list((await session.execute(stmt)).scalars())

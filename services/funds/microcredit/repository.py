"""Reads of loans: the one place their scoped statement is built."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from services.funds.microcredit.models import Loan
from shared.auth import Principal, visible


def visible_loans(principal: Principal) -> Select[Any]:
    return select(Loan).where(visible(principal, region=col(Loan.village_code), entity=col(Loan.entity_id)))

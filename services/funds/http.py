"""What every funds router shares: the role sets, the Idempotency-Key for money writes, paging, Location."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Response, status

from shared.auth import Role
from shared.paging import PageParams, page_params
from shared.service import IdempotencyKeyRequired

PageDep = Annotated[PageParams, Depends(page_params)]
FUND_OFFICERS = (Role.city_admin, Role.county_officer)
REGIONAL = (Role.city_admin, Role.county_officer, Role.township_officer, Role.village_cadre)
REGIONAL_AND_ENTITY = (*REGIONAL, Role.entity_operator)
CREATED = status.HTTP_201_CREATED
# Writes that create money facts: a retry must never count twice, so they take an Idempotency-Key (428 without).
MONEY = IdempotencyKeyRequired


def located(response: Response, path: str) -> None:
    response.headers["Location"] = f"/funds/v1/{path}"

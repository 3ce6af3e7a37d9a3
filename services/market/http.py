"""What every market router shares: the role sets, paging, and the bounded path and query parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Response

from shared.auth import Role
from shared.bounds import PolicyDate
from shared.paging import PageParams, page_params

PageDep = Annotated[PageParams, Depends(page_params)]
ADMIN = (Role.city_admin,)
REGION = (Role.city_admin, Role.county_officer, Role.township_officer, Role.village_cadre)
CONTRACTORS = (*REGION, Role.entity_operator)
COUNTY = (Role.city_admin, Role.county_officer)

# Path and query parameters, bounded like the bodies: ids are UUIDv7 strings, codes are digits.
Id = Annotated[str, Path(min_length=1, max_length=36)]
PartnerCodePath = Annotated[str, Path(min_length=1, max_length=40)]
IdQuery = Annotated[str | None, Query(min_length=1, max_length=36)]
VillageCodePath = Annotated[str, Path(pattern=r"^[0-9]{12}$", description="a village's 12-digit division code")]
VillageCodeQuery = Annotated[str | None, Query(pattern=r"^[0-9]{12}$", description="a village's 12-digit division code")]
OnDay = Annotated[PolicyDate | None, Query(description="the day (default today)")]


def located(response: Response, path: str) -> None:
    response.headers["Location"] = f"/market/v1/{path}"

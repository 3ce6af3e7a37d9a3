"""What the training routers share: who may write, and the query parameters of their lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from shared.auth import Role
from shared.bounds import QueryYear
from shared.paging import PageParams, page_params

# Trainers run training (city-wide, or within their scope); county officers within their county.
WRITERS = (Role.city_admin, Role.county_officer, Role.trainer)

PageDep = Annotated[PageParams, Depends(page_params)]

YearQuery = Annotated[QueryYear | None, Query(description="calendar year; default: this year")]

IdQ = Annotated[str | None, Query(max_length=64, description="an id")]

RegionQ = Annotated[str | None, Query(max_length=12, description="county (6), township (9) or village (12-digit) code")]

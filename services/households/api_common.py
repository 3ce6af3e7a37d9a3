"""What the households routers share: who may write, and the query parameters of their lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from shared.auth import Role
from shared.paging import PageParams, page_params

REGISTRARS = (Role.city_admin, Role.county_officer, Role.township_officer, Role.village_cadre)

# Employment and wages are also reported by the operating entity itself (R13), for its own employees.
EMPLOYMENT_REPORTERS = (*REGISTRARS, Role.entity_operator)

PageDep = Annotated[PageParams, Depends(page_params)]

County = Annotated[str | None, Query(max_length=6, description="6-digit county code")]

Township = Annotated[str | None, Query(max_length=9, description="9-digit township code")]

VillageQ = Annotated[str | None, Query(max_length=12, description="12-digit village code")]

IdQ = Annotated[str | None, Query(max_length=64, description="an id")]

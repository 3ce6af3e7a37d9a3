"""Cursor paging for every list: ``?limit=&cursor=``, answering ``{items, next_cursor}``."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.problems import InvalidInput

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageParams(BaseModel):
    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=500, description="Items per page")] = 50,
    cursor: Annotated[str | None, Query(max_length=400, description="`next_cursor` of the previous page")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


_INT64 = range(-(2**63), 2**63)


def decode_cursor(cursor: str) -> Any:
    """The key a cursor holds: a string id or code, or an integer the database can compare (64 bits)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded))
    except Exception:
        key = None
    if (isinstance(key, str) and len(key) <= 200) or (type(key) is int and key in _INT64):
        return key
    raise InvalidInput("分页游标无效", detail_en="invalid cursor", field="cursor")


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    key: Any,
    params: PageParams,
    to_item: Callable[[Any], T],
    scalars: bool = True,
) -> Page[T]:
    """Keyset paging on a unique, ordered column ``key`` (ids are time-ordered UUIDv7)."""
    if params.cursor:
        stmt = stmt.where(key > decode_cursor(params.cursor))
    stmt = stmt.order_by(key).limit(params.limit + 1)
    result = await session.execute(stmt)
    rows: Sequence[Any] = result.scalars().all() if scalars else result.all()
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    items = [to_item(r) for r in rows]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, key.key) if scalars else last._mapping[key.key])
    return Page[Any](items=items, next_cursor=next_cursor)

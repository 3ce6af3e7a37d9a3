"""Statements sent straight to the asyncpg connection under a SQLAlchemy session or connection (PostgreSQL only).

For the few statements every write pays (the outbox append) and the hottest path's own (the signed
webhook): through SQLAlchemy's execute path each cost the process ~300 µs of CPU (parameter
processing, the cursor adapter, a greenlet switch, the result object), several times the driver's
own work (issue 19). They run in the same transaction as everything else the session does, and a
failure is raised as the SQLAlchemy error the same statement would have raised (``IntegrityError``,
``DBAPIError`` …), so the handlers that answer 409, 422 or 503 see what they always saw.

SQL here is PostgreSQL's, with ``$1 … $n`` parameters.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


class Driver:
    """The asyncpg connection of one SQLAlchemy connection, with SQLAlchemy's error translation."""

    __slots__ = ("_conn", "_adapted", "_raw")

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        fairy = conn.sync_connection.connection  # type: ignore[union-attr]  # set: the connection is open
        self._adapted: Any = fairy.dbapi_connection  # SQLAlchemy's asyncpg adapter
        self._raw: Any = fairy.driver_connection  # the asyncpg.Connection

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        return await self._call("fetchrow", sql, args)

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        rows: list[Any] = await self._call("fetch", sql, args)
        return rows

    async def execute(self, sql: str, *args: Any) -> None:
        await self._call("execute", sql, args)

    async def _call(self, method: str, sql: str, args: tuple[Any, ...]) -> Any:
        try:
            return await getattr(self._raw, method)(sql, *args)
        except Exception as error:
            raise await self._translated(error, sql, args) from error

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """A transaction of its own, for a connection not in one (``driver_of(conn, begin=False)``)."""
        tx = self._raw.transaction()
        try:
            await tx.start()
        except Exception as error:
            raise await self._translated(error, "BEGIN", ()) from error
        try:
            yield
        except BaseException:
            if not self._raw.is_closed():
                await tx.rollback()
            raise
        try:
            await tx.commit()
        except Exception as error:
            raise await self._translated(error, "COMMIT", ()) from error

    async def _translated(self, error: Exception, sql: str, args: tuple[Any, ...]) -> BaseException:
        dialect: Any = self._conn.dialect
        try:
            self._adapted._handle_exception(error)  # raises the DB-API error SQLAlchemy's adapter makes of it
        except Exception as dbapi_error:
            invalidated = bool(dialect.is_disconnect(dbapi_error, self._adapted, None))
            if invalidated:
                await self._conn.invalidate(dbapi_error)  # a dead connection is not returned to the pool
            return sa_exc.DBAPIError.instance(sql, list(args), dbapi_error, dialect.loaded_dbapi.Error, connection_invalidated=invalidated, dialect=dialect)
        return error  # pragma: no cover  # _handle_exception always raises


async def driver_of(bind: AsyncSession | AsyncConnection, *, begin: bool = True) -> Driver:
    """The driver under ``bind``'s connection; with ``begin``, inside its transaction (begun now if no statement has run yet)."""
    conn = await bind.connection() if isinstance(bind, AsyncSession) else bind
    driver = Driver(conn)
    # SQLAlchemy's adapter sends BEGIN lazily, with the connection's first statement; one sent
    # here first must not run outside the transaction the session commits.
    if begin and driver._adapted._transaction is None:
        try:
            await driver._adapted._start_transaction()
        except Exception as error:
            raise await driver._translated(error, "BEGIN", ()) from error
    return driver


def value_rows(first: int, rows: int, casts: Sequence[str | None]) -> str:
    """``($first, $first+1 …), (…)``: ``rows`` rows of ``len(casts)`` numbered parameters from ``$first``, each with
    ``::type`` where its cast names one: the VALUES of a multi-row statement built once per row count."""
    width = len(casts)
    return ", ".join(f"({numbered(first + i * width, casts)})" for i in range(rows))


def numbered(first: int, casts: Sequence[str | None]) -> str:
    """``$first, $first+1, …``, one per cast, each with ``::type`` where the cast names one."""
    return ", ".join(f"${first + j}" + (f"::{t}" if t else "") for j, t in enumerate(casts))

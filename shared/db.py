"""Databases: one per service. SQLite files in embedded mode, PostgreSQL (asyncpg) when distributed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from shared.outbox import define_infrastructure_tables

# The column types and the naming convention live in ``shared.sqltypes``, below the outbox whose tables use
# them; they are re-exported here, where the services have always imported them from.
from shared.sqltypes import NAMING as NAMING
from shared.sqltypes import JSONType as JSONType
from shared.sqltypes import UTCDateTime as UTCDateTime
from shared.sqltypes import utcnow as utcnow


def make_base(service: str) -> type[DeclarativeBase]:
    """A declarative base with its own MetaData: each service owns its tables and migrations."""
    service_metadata = MetaData(naming_convention=NAMING, info={"service": service})
    define_infrastructure_tables(service_metadata)

    class Base(DeclarativeBase):
        metadata = service_metadata

    return Base


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    parsed = make_url(url)
    if parsed.drivername.endswith("asyncpg"):
        args = dict(kwargs.pop("connect_args", {}))
        # No JIT compilation: every statement a request runs is bounded, and PostgreSQL's JIT costs such a
        # statement more than it saves (~40 ms of a county overview's ~300, compiling an aggregate over 40,000 homes).
        args["server_settings"] = {"jit": "off"} | dict(args.get("server_settings") or {})
        if "ssl" not in parsed.query and parsed.host in ("127.0.0.1", "localhost", "::1"):
            # TLS to a server on the same machine only costs CPU; remote servers keep the driver's default.
            args.setdefault("ssl", False)
        kwargs["connect_args"] = args
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    # No pre-ping: it costs a round trip on every checkout; stale connections are recycled instead.
    kwargs.setdefault("pool_recycle", 1800)
    return create_async_engine(url, **kwargs)


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


# SQLSTATEs of a server that is unreachable, starting, stopping or full, rather than of a bad query.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached now (worth a retry), not that a query was wrong."""
    from sqlalchemy import exc as sa

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (ConnectionError, TimeoutError, sa.TimeoutError)):
            return True
        if isinstance(current, OSError) and current.errno is not None:
            return True  # connect() failed: refused, unreachable, reset
        if isinstance(current, sa.DBAPIError) and (current.connection_invalidated or isinstance(current, sa.InterfaceError)):
            return True
        state = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(state, str) and state.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        if type(current).__module__.startswith("asyncpg") and type(current).__name__ in ("ConnectionDoesNotExistError", "InterfaceError"):
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


# Every database the platform makes collates "C" (its character classes stay the cluster's). Its keys are ids and
# codes, and its ordered text is compared as code points: UTF-8's bytes sort in code-point order, the order a
# C.UTF-8 cluster gives too, so "C" only makes it the same on every cluster. PostgreSQL also sorts and builds
# indexes over "C" text about twice as fast (abbreviated keys, no strcoll): bench/RESULTS.md, the replay.
DATABASE_OPTIONS = "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'"


async def create_database(conn: Any, name: str, *, owner: str | None = None) -> None:
    """``CREATE DATABASE`` with ``DATABASE_OPTIONS`` on an asyncpg admin connection: the one way the platform,
    its tests and its benches make a database (``deploy/postgres`` makes the services' own the same way)."""
    await conn.execute(f'CREATE DATABASE "{name}" {DATABASE_OPTIONS}' + (f' OWNER "{owner}"' if owner else ""))


async def drop_database(conn: Any, name: str, *, patience: float = 60.0) -> None:
    """``DROP DATABASE … WITH (FORCE)`` on an asyncpg admin connection, retried while an autovacuum worker is in it.

    FORCE terminates the database's sessions, but a non-superuser role (``fupin``) may not terminate an
    autovacuum worker: PostgreSQL refuses with "must be a member of the role whose process is being
    terminated" (or "is being accessed by other users"). The worker leaves on its own, soon on a small
    database, so the drop is retried with a growing pause for up to ``patience`` seconds.
    Used wherever the platform, its tests or its benches drop a scratch database.
    """
    import asyncio

    import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information

    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    pause = 0.1
    while True:
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (asyncpg.InsufficientPrivilegeError, asyncpg.ObjectInUseError):
            if loop.time() + pause > deadline:
                raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 2.0)

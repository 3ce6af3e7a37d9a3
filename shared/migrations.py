"""Alembic, driven from code: each service has its own ``migrations/`` and its own database."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from shared.service import ServiceSpec


def alembic_config(spec: ServiceSpec) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(spec.migrations))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.attributes["metadata"] = spec.metadata
    return cfg


def run_env() -> None:
    """Body of every service's ``migrations/env.py``; the caller passes the connection in."""
    from alembic import context

    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with `fupin migrate` (it passes the connection)")
    context.configure(
        connection=connection,
        target_metadata=context.config.attributes["metadata"],
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(sync_conn: Any, spec: ServiceSpec, fn: Any, *args: Any, **kwargs: Any) -> None:
    cfg = alembic_config(spec)
    cfg.attributes["connection"] = sync_conn
    fn(cfg, *args, **kwargs)


async def upgrade(engine: AsyncEngine, spec: ServiceSpec) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(_run, spec, command.upgrade, "head")


async def pending_changes(engine: AsyncEngine, spec: ServiceSpec) -> list[Any]:
    """Differences between the models and the migrated database (empty when migrations are complete)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def diff(sync_conn: Any) -> list[Any]:
        ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True, "render_as_batch": True})
        differences: list[Any] = compare_metadata(ctx, spec.metadata)
        return differences

    async with engine.connect() as conn:
        return await conn.run_sync(diff)


async def make_revision(spec: ServiceSpec, message: str) -> None:
    """Autogenerate the next revision of a service against a scratch SQLite database at head."""
    from shared.db import create_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'scratch.db'}")
        try:
            await upgrade(engine, spec)
            async with engine.begin() as conn:
                await conn.run_sync(_run, spec, command.revision, message=message, autogenerate=True)
        finally:
            await engine.dispose()

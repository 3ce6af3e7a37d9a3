"""Alembic, driven from code: each service has its own revisions (``migrations/versions``) and its own database.

Every service database carries two branches: the service's own (``services/<name>/migrations/versions``)
and the infrastructure tables every service has (``shared/infra_migrations``, branch label ``infra``:
outbox, its head, Merkle tree and relay mark, idempotency records, consumption). ``upgrade`` brings
both to their heads; a new service revision goes on the service's branch. The ``env.py`` and the
template of a new revision are shared (``shared/migration_env``); a new revision is formatted and
lint-fixed by ruff as it is written, so it passes ``make lint``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from shared.context import ServiceSpec

# What every service's migrations share: Alembic's env.py and the template of a new revision.
ENV = Path(__file__).parent / "migration_env"
# The infrastructure branch, applied to every service database beside the service's own.
INFRA_VERSIONS = Path(__file__).parent / "infra_migrations"
INFRA_BRANCH = "infra"


def alembic_config(spec: ServiceSpec) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ENV))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join([str(spec.migrations / "versions"), str(INFRA_VERSIONS)]))
    cfg.attributes["metadata"] = spec.metadata
    ruff = Path(sys.executable).parent / "ruff"
    if ruff.exists():
        cfg.set_section_option("post_write_hooks", "hooks", "ruff_fix, ruff_format")
        for hook, args in (("ruff_fix", "check --fix --quiet"), ("ruff_format", "format --quiet")):
            cfg.set_section_option("post_write_hooks", f"{hook}.type", "exec")
            cfg.set_section_option("post_write_hooks", f"{hook}.executable", str(ruff))
            cfg.set_section_option("post_write_hooks", f"{hook}.options", f"{args} REVISION_SCRIPT_FILENAME")
    return cfg


def service_head(cfg: Config) -> str:
    """The head of the service's own branch (the one that is not the infrastructure branch)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(cfg)
    infra = {rev.revision for rev in script.iterate_revisions(f"{INFRA_BRANCH}@head", "base")}
    heads = [head for head in script.get_heads() if head not in infra]
    if len(heads) != 1:
        raise RuntimeError(f"expected one head besides the infrastructure branch, found {heads}")
    return heads[0]


def run_env() -> None:
    """Body of the migrations' ``env.py`` (``shared/migration_env``); the caller passes the connection in."""
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
        await conn.run_sync(_run, spec, command.upgrade, "heads")


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
            cfg = alembic_config(spec)
            async with engine.begin() as conn:
                await conn.run_sync(
                    _run, spec, command.revision, message=message, autogenerate=True, head=service_head(cfg), version_path=str(spec.migrations / "versions")
                )
        finally:
            await engine.dispose()

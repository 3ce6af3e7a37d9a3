"""Scratch databases are dropped even while an autovacuum worker is in them.

Seen in CI: ``replay --compare`` answered 500 because ``DROP DATABASE … WITH (FORCE)`` was refused
("must be a member of the role whose process is being terminated") — the role ``fupin`` may not
terminate PostgreSQL's autovacuum worker. The drop must wait for the worker, and give up only after
its patience, with PostgreSQL's own error.
"""

from __future__ import annotations

import asyncpg
import pytest

from shared.db import drop_database


class Refusing:
    """An admin connection whose DROP is refused ``times`` times, as while autovacuum works."""

    def __init__(self, times: int, error: type[Exception]) -> None:
        self.times, self.error, self.statements = times, error, []

    async def execute(self, statement: str) -> None:
        self.statements.append(statement)
        if len(self.statements) <= self.times:
            raise self.error("must be a member of the role whose process is being terminated or member of pg_signal_backend")


@pytest.mark.parametrize("error", [asyncpg.InsufficientPrivilegeError, asyncpg.ObjectInUseError])
async def test_a_drop_refused_while_autovacuum_runs_is_retried_until_it_succeeds(error):
    conn = Refusing(3, error)
    await drop_database(conn, "fupin_replay_x", patience=10)
    assert conn.statements == ['DROP DATABASE IF EXISTS "fupin_replay_x" WITH (FORCE)'] * 4


async def test_a_drop_refused_past_its_patience_raises_postgresql_s_error():
    conn = Refusing(10_000, asyncpg.InsufficientPrivilegeError)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await drop_database(conn, "fupin_replay_x", patience=0.5)
    assert 2 <= len(conn.statements) < 10


async def test_a_drop_refused_for_another_reason_is_not_retried():
    conn = Refusing(1, asyncpg.InvalidCatalogNameError)
    with pytest.raises(asyncpg.InvalidCatalogNameError):
        await drop_database(conn, "fupin_replay_x", patience=10)
    assert len(conn.statements) == 1

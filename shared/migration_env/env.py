"""The ``env.py`` of every service's migrations: Alembic runs it; the caller passes the connection in."""

from shared.migrations import run_env

run_env()

"""merkle tree of the outbox

Revision ID: 6246bec35e56
Revises: 66e1a9bbb3f3
Create Date: 2026-12-01 19:00:00.000000
"""

from collections.abc import Sequence

revision: str = "6246bec35e56"
down_revision: str | None = "66e1a9bbb3f3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The tree now comes with the infrastructure tables (shared/infra_migrations), on every database."""


def downgrade() -> None:
    pass

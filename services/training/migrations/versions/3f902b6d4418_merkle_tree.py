"""merkle tree of the outbox

Revision ID: 3f902b6d4418
Revises: 5b49562d36cd
Create Date: 2026-12-01 19:00:00.000000
"""

from collections.abc import Sequence

revision: str = "3f902b6d4418"
down_revision: str | None = "5b49562d36cd"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The tree now comes with the infrastructure tables (shared/infra_migrations), on every database."""


def downgrade() -> None:
    pass

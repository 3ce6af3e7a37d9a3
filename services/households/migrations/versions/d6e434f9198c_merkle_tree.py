"""merkle tree of the outbox

Revision ID: d6e434f9198c
Revises: 00d6dfb30c83
Create Date: 2026-12-01 19:00:00.000000
"""

from collections.abc import Sequence

revision: str = "d6e434f9198c"
down_revision: str | None = "00d6dfb30c83"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The tree now comes with the infrastructure tables (shared/infra_migrations), on every database."""


def downgrade() -> None:
    pass

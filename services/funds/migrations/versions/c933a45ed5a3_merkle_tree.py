"""merkle tree of the outbox

Revision ID: c933a45ed5a3
Revises: b2409cd0daf3
Create Date: 2026-12-01 19:00:00.000000
"""

from collections.abc import Sequence

revision: str = "c933a45ed5a3"
down_revision: str | None = "b2409cd0daf3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The tree now comes with the infrastructure tables (shared/infra_migrations), on every database."""


def downgrade() -> None:
    pass

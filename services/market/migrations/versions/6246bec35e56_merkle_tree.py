"""merkle tree of the outbox

Revision ID: 6246bec35e56
Revises: 66e1a9bbb3f3
Create Date: 2026-12-01 19:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.tlog import downgrade_tree, upgrade_tree

revision: str = '6246bec35e56'
down_revision: Union[str, None] = '66e1a9bbb3f3'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # The source's events become the leaves of a Merkle tree (shared/merkle.py), built here over
    # the events already stored, then extended by every append.
    upgrade_tree(op)


def downgrade() -> None:
    downgrade_tree(op)

"""merkle tree of the outbox

Revision ID: 3f902b6d4418
Revises: 5b49562d36cd
Create Date: 2026-12-01 19:00:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from shared.tlog import downgrade_tree, upgrade_tree

revision: str = '3f902b6d4418'
down_revision: Union[str, None] = '5b49562d36cd'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # The source's events become the leaves of a Merkle tree (shared/merkle.py), built here over
    # the events already stored, then extended by every append.
    upgrade_tree(op)


def downgrade() -> None:
    downgrade_tree(op)

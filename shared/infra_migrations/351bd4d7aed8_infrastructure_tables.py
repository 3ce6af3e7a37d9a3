"""infrastructure tables: the outbox, its head, tree and relay mark, idempotency and consumption

The tables ``shared.outbox.define_infrastructure_tables`` declares for every service database, in
one place: this branch (label ``infra``) is applied to each service's database beside the service's
own branch (``shared.migrations`` puts both version locations in the configuration).

Databases migrated before this branch existed already hold these tables (each service's initial
migration created them, its Merkle migration added the tree); this revision then creates only
what is missing, so a database at the old head upgrades to the same schema a fresh one gets.

Revision ID: 351bd4d7aed8
Revises:
Create Date: 2026-12-02 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shared.db
from shared.tlog import upgrade_tree

revision: str = "351bd4d7aed8"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("infra",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "outbox" not in existing:
        op.create_table(
            "outbox",
            sa.Column("sequence", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("type", sa.String(length=120), nullable=False),
            sa.Column("subject", sa.String(length=80), nullable=True),
            sa.Column("partition_key", sa.String(length=80), nullable=True),
            sa.Column("time", shared.db.UTCDateTime(timezone=True), nullable=False),
            sa.Column("hash", sa.String(length=64), nullable=False),
            sa.Column("payload", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("sequence", name=op.f("pk_outbox")),
            sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
        )
    if "outbox_head" not in existing:
        op.create_table(
            "outbox_head",
            sa.Column("source", sa.String(length=40), nullable=False),
            sa.Column("last_sequence", sa.BigInteger(), nullable=False),
            sa.Column("last_hash", sa.String(length=64), nullable=False),
            sa.Column("tree_frontier", sa.LargeBinary(), nullable=True),
            sa.PrimaryKeyConstraint("source", name=op.f("pk_outbox_head")),
        )
        op.create_table(
            "merkle_node",
            sa.Column("level", sa.Integer(), nullable=False),
            sa.Column("idx", sa.BigInteger(), nullable=False),
            sa.Column("hash", sa.LargeBinary(), nullable=False),
            sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_merkle_node")),
        )
    elif "merkle_node" not in existing:
        # A database from before the Merkle tree: add the tree and build it over the stored events.
        upgrade_tree(op)
    if "outbox_relay" not in existing:
        op.create_table(
            "outbox_relay",
            sa.Column("source", sa.String(length=40), nullable=False),
            sa.Column("published_sequence", sa.BigInteger(), nullable=False),
            sa.Column("published_at", shared.db.UTCDateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("source", name=op.f("pk_outbox_relay")),
        )
    if "idempotency_record" not in existing:
        op.create_table(
            "idempotency_record",
            sa.Column("id", sa.String(length=64), nullable=False),
            sa.Column("request_hash", sa.String(length=64), nullable=False),
            sa.Column("status_code", sa.Integer(), nullable=False),
            sa.Column("content_type", sa.String(length=80), nullable=True),
            sa.Column("location", sa.String(length=300), nullable=True),
            sa.Column("body", sa.LargeBinary(), nullable=False),
            sa.Column("created_at", shared.db.UTCDateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_record")),
        )
    if "consumed_event" not in existing:
        op.create_table(
            "consumed_event",
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("source", sa.String(length=40), nullable=False),
            sa.Column("sequence", sa.BigInteger(), nullable=False),
            sa.Column("applied_at", shared.db.UTCDateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("event_id", name=op.f("pk_consumed_event")),
        )
    if "consumer_position" not in existing:
        op.create_table(
            "consumer_position",
            sa.Column("source", sa.String(length=40), nullable=False),
            sa.Column("sequence", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("source", name=op.f("pk_consumer_position")),
        )


def downgrade() -> None:
    for table in ("consumer_position", "consumed_event", "idempotency_record", "outbox_relay", "merkle_node", "outbox_head", "outbox"):
        op.drop_table(table)

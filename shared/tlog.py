"""A source's Merkle tree as stored in its database: roots, proofs, the migration that adds it.

The outbox extends the tree on every append (``shared.outbox``); this module only reads it, plus
``rebuild_tree`` — the one place that recomputes the tree from the stored events: the migration
that adds the tree to a database that already has events, and the tests that play an attacker who
rewrites history and everything derived from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from shared import merkle


class TreeError(LookupError):
    """A proof was asked for a size or leaf the tree does not have."""


@dataclass(frozen=True)
class TreeHead:
    size: int
    root: bytes


async def head(conn: AsyncConnection) -> TreeHead:
    """The tree over every committed event of the database's source."""
    row = (await conn.execute(sa.text("SELECT last_sequence, tree_frontier FROM outbox_head"))).first()
    if row is None:
        return TreeHead(0, merkle.EMPTY_ROOT)
    return TreeHead(int(row[0]), merkle.root_of_frontier(merkle.unpack(row[1])))


_PG_NODES = sa.text(
    "SELECT m.level, m.idx, m.hash FROM merkle_node m "
    "JOIN unnest(CAST(:levels AS integer[]), CAST(:idxs AS bigint[])) AS w(level, idx) ON m.level = w.level AND m.idx = w.idx"
)


async def _nodes(conn: AsyncConnection, wanted: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    wanted = sorted(set(wanted))
    if not wanted:
        return {}
    if conn.dialect.name == "postgresql":
        # One statement of fixed shape (compiled and prepared once per connection), probing the key.
        rows = (await conn.execute(_PG_NODES, {"levels": [lv for lv, _ in wanted], "idxs": [ix for _, ix in wanted]})).all()
    else:
        # SQLite scans on a row-value IN: "level = l AND idx IN (…)" per level probes the key. The
        # numbers are ours (ints), sent as literal SQL so nothing is compiled per proof.
        by_level: dict[int, list[int]] = {}
        for level, idx in wanted:
            by_level.setdefault(int(level), []).append(int(idx))
        where = " OR ".join(f"(level = {level} AND idx IN ({', '.join(map(str, idxs))}))" for level, idxs in by_level.items())
        rows = (await conn.exec_driver_sql(f"SELECT level, idx, hash FROM merkle_node WHERE {where}")).all()
    found = {(int(lv), int(ix)): bytes(h) for lv, ix, h in rows}
    missing = [n for n in wanted if n not in found]
    if missing:
        raise TreeError(f"the tree has no node {missing[0]}: the size is beyond the tree (or the tree was cut)")
    return found


async def _check_size(conn: AsyncConnection, size: int) -> None:
    current = (await head(conn)).size
    if not 0 <= size <= current:
        raise TreeError(f"the tree has {current} leaves, not {size}")


async def root_at(conn: AsyncConnection, size: int) -> bytes:
    """The root the tree had at ``size`` leaves (any past size: stored nodes never change)."""
    await _check_size(conn, size)
    wanted = merkle.frontier_nodes(size)
    found = await _nodes(conn, wanted)
    return merkle.fold([found[n] for n in wanted])


async def inclusion_proof(conn: AsyncConnection, index: int, size: int) -> list[bytes]:
    """One query; asking for the last leaf too refuses a size beyond the tree (that leaf is not stored)."""
    if not 0 <= index < size:
        raise TreeError(f"leaf {index} is not in a tree of {size} leaves")
    ranges = merkle.inclusion_ranges(index, size)
    found = await _nodes(conn, merkle.needed(ranges) | {(0, size - 1)})
    return merkle.assemble(ranges, found.__getitem__)


async def consistency_proof(conn: AsyncConnection, first: int, second: int) -> list[bytes]:
    if not 0 <= first <= second:
        raise TreeError(f"no consistency proof from size {first} to size {second}")
    if first in (0, second):
        await _check_size(conn, second)
        return []
    ranges = merkle.consistency_ranges(first, second)
    found = await _nodes(conn, merkle.needed(ranges) | {(0, second - 1)})
    return merkle.assemble(ranges, found.__getitem__)


async def entry(conn: AsyncConnection, *, event_id: str | None = None, index: int | None = None) -> tuple[int, dict[str, Any]] | None:
    """An event's leaf index and its envelope (parsed from the stored canonical bytes)."""
    import json

    if event_id is not None:
        row = (await conn.execute(sa.text("SELECT sequence, payload FROM outbox WHERE event_id = :id"), {"id": event_id})).first()
    else:
        row = (await conn.execute(sa.text("SELECT sequence, payload FROM outbox WHERE sequence = :s"), {"s": (index or 0) + 1})).first()
    if row is None:
        return None
    return int(row[0]) - 1, json.loads(row[1])


# ---- recomputing the tree (migration backfill; an attacker's rewrite in tests) -----------------------


def rebuild_tree(conn: sa.Connection, *, batch: int = 5000) -> int:
    """Recompute ``merkle_node`` and the head's frontier from the stored events (synchronous connection)."""
    conn.execute(sa.text("DELETE FROM merkle_node"))
    size = 0
    frontier: list[bytes] = []
    node_rows: list[dict[str, Any]] = []
    result = conn.execute(sa.text("SELECT payload FROM outbox ORDER BY sequence"))
    for (payload,) in result:
        size, nodes = merkle.append_leaves(size, frontier, [merkle.leaf_hash(payload.encode())])
        node_rows += [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in nodes]
    for start in range(0, len(node_rows), batch):
        conn.execute(sa.text("INSERT INTO merkle_node (level, idx, hash) VALUES (:level, :idx, :hash)"), node_rows[start : start + batch])
    conn.execute(sa.text("UPDATE outbox_head SET tree_frontier = :f"), {"f": merkle.pack(frontier)})
    return size


def upgrade_tree(op: Any) -> None:
    """Add the Merkle tree to a database from before it and build it over the stored events (the infrastructure migration)."""
    with op.batch_alter_table("outbox_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tree_frontier", sa.LargeBinary(), nullable=True))
    op.create_table(
        "merkle_node",
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("idx", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_merkle_node")),
    )
    rebuild_tree(op.get_bind())

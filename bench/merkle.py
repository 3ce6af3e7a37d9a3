"""The Merkle tree's cost on the outbox append, and inclusion proofs at a million events.

    .venv/bin/python bench/merkle.py --events 1000000 --batch 1000
    .venv/bin/python bench/merkle.py --events 1000000 --batch 1000 --database postgresql

1. Two fresh databases of the funds service (migrated as the service migrates them): one appends
   with the tree (``append_pending`` as the services call it: frontier in the head row, new nodes
   inserted in the same transaction), the other with ``tree=False`` — the same append without
   the tree, the baseline. Batches alternate between them, so machine load drifts over both
   equally; each batch is one transaction of ``--batch`` events (the import path), timed from
   the first event's seal to the commit. Reported: events/s of each and the ratio.
2. The tree kept incrementally is checked against a rebuild from its stored leaves (the root of
   both must be the same) — the one full rebuild in this bench, for correctness only.
3. Inclusion proofs at that size: ``--proofs`` random leaves, each ``shared.tlog.inclusion_proof``
   through the database (one query for its ≤ 2·log2(n) nodes, then hashing); p50/p99/max in ms.
   Also consistency proofs between random sizes, and a proof verified by the auditor's verifier.

SQLite files live in a temporary directory; a PostgreSQL run creates two databases and drops them.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import async_sessionmaker  # noqa: E402

from services.funds.app import SPEC  # noqa: E402
from shared import merkle, migrations, tlog  # noqa: E402
from shared.db import create_database, create_engine, drop_database  # noqa: E402
from shared.events.contracts import REGISTRY  # noqa: E402
from shared.outbox import append_pending, emit, ensure_head  # noqa: E402

PG_ADMIN = os.environ.get("FUPIN_BENCH_PG_DSN", "postgresql://fupin:fupin@127.0.0.1:5432/postgres")
PG_URL = os.environ.get("FUPIN_BENCH_PG_URL", "postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/{db}")


def the_fact():
    """A realistic funds fact (a contract's own example): every event of the bench is one of these."""
    cls = REGISTRY["fupin.funds.fund_received.v1"] if "fupin.funds.fund_received.v1" in REGISTRY else None
    if cls is None or cls.example is None:
        cls = next(c for t, c in sorted(REGISTRY.items()) if c.service == "funds" and c.example)
    return cls.model_validate(cls.example)


async def _database(kind: str, tmp: Path, name: str) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{tmp / name}.db", None
    import asyncpg

    db = f"bench_merkle_{name}_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await create_database(conn, db)
    finally:
        await conn.close()
    return PG_URL.format(db=db), db


async def _drop(db: str | None) -> None:
    if db is None:
        return
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN)
    try:
        await drop_database(conn, db)
    finally:
        await conn.close()


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--proofs", type=int, default=5000)
    parser.add_argument(
        "--baseline-every",
        type=int,
        default=1,
        help="append a baseline batch after every K-th tree batch (1: both get every batch; 4 on a loaded machine: the baseline sees a quarter)",
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--proofs-only",
        action="store_true",
        help="skip the appends: store the tree of --events synthetic leaves (the same tables, built by the same "
        "incremental code in big batches) and time only the proofs",
    )
    args = parser.parse_args()
    if args.proofs_only:
        await proofs_only(args)
        return

    fact = the_fact()
    with tempfile.TemporaryDirectory(prefix="fupin-bench-merkle-") as tmpdir:
        tmp = Path(tmpdir)
        urls = {}
        dbs = []
        for name in ("tree", "bare"):
            url, db = await _database(args.database, tmp, name)
            urls[name] = url
            dbs.append(db)
        engines = {name: create_engine(url) for name, url in urls.items()}
        try:
            for engine in engines.values():
                await migrations.upgrade(engine, SPEC)
                async with engine.begin() as conn:
                    await ensure_head(conn, SPEC.metadata, "funds")
            makers = {name: async_sessionmaker(engine, expire_on_commit=False) for name, engine in engines.items()}
            spent = {"tree": 0.0, "bare": 0.0}
            counted = {"tree": 0, "bare": 0}
            done = 0
            print(
                f"appending {args.events:,} events in batches of {args.batch} to {args.database} with the tree, "
                f"and the same batches without it after every {args.baseline_every} (interleaved)"
            )
            while done < args.events:
                n = min(args.batch, args.events - done)
                number = done // args.batch
                names = ["tree"] + (["bare"] if number % args.baseline_every == 0 else [])
                order = names if number % 2 == 0 else names[::-1]
                for name in order:
                    async with makers[name]() as session:
                        started = time.perf_counter()
                        for _ in range(n):
                            emit(session, fact)
                        await append_pending(session, SPEC.metadata, "funds", tree=name == "tree")
                        await session.commit()
                        spent[name] += time.perf_counter() - started
                        counted[name] += n
                done += n
                if done % (args.batch * 100) == 0 or done == args.events:
                    print(
                        f"  {done:>9,} events: with tree {counted['tree'] / spent['tree']:,.0f}/s, "
                        f"without ({counted['bare']:,} events) {counted['bare'] / spent['bare']:,.0f}/s",
                        flush=True,
                    )
            with_tree, without = counted["tree"] / spent["tree"], counted["bare"] / spent["bare"]

            engine = engines["tree"]
            async with engine.connect() as conn:
                head = await tlog.head(conn)
                nodes = (await conn.execute(text("SELECT count(*) FROM merkle_node"))).scalar_one()
                leaves = [bytes(h) for (h,) in (await conn.execute(text("SELECT hash FROM merkle_node WHERE level = 0 ORDER BY idx"))).all()]
                payload_leaf = merkle.leaf_hash(
                    (await conn.execute(text("SELECT payload FROM outbox WHERE sequence = :s"), {"s": head.size})).scalar_one().encode()
                )
            rebuilt = _verifier().tree_root(leaves)
            assert head.size == args.events and leaves[-1] == payload_leaf
            assert rebuilt == head.root, "the incremental tree differs from a rebuild"
            print(f"tree: {head.size:,} leaves, {nodes:,} stored nodes; incremental root == rebuilt root: {rebuilt == head.root}")

            await time_proofs(engine, head, leaves, args.proofs)
            print(
                f"append: with tree {with_tree:,.0f} events/s ({counted['tree']:,} events), "
                f"without {without:,.0f} events/s ({counted['bare']:,} events), ratio {with_tree / without:.2f}"
            )
        finally:
            for engine in engines.values():
                await engine.dispose()
            for db in dbs:
                await _drop(db)


async def proofs_only(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="fupin-bench-merkle-") as tmpdir:
        url, db = await _database(args.database, Path(tmpdir), "proofs")
        engine = create_engine(url)
        try:
            await migrations.upgrade(engine, SPEC)
            async with engine.begin() as conn:
                await ensure_head(conn, SPEC.metadata, "funds")
            size, frontier, leaves = 0, [], []
            started = time.perf_counter()
            while size < args.events:
                chunk = [merkle.leaf_hash(f"event {i}".encode()) for i in range(size, min(args.events, size + 50_000))]
                leaves += chunk
                size, nodes = merkle.append_leaves(size, frontier, chunk)
                async with engine.begin() as conn:
                    await conn.execute(
                        text("INSERT INTO merkle_node (level, idx, hash) VALUES (:l, :i, :h)"), [{"l": lv, "i": ix, "h": h} for lv, ix, h in nodes]
                    )
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE outbox_head SET last_sequence = :n, tree_frontier = :f"), {"n": size, "f": merkle.pack(frontier)})
            print(f"stored a tree of {size:,} leaves in {time.perf_counter() - started:.0f} s (no events: proofs only)")
            async with engine.connect() as conn:
                head = await tlog.head(conn)
            assert head.root == _verifier().tree_root(leaves)
            await time_proofs(engine, head, leaves, args.proofs)
        finally:
            await engine.dispose()
            await _drop(db)


async def time_proofs(engine, head, leaves: list[bytes], count: int) -> None:
    """Wall time (what a caller waits, machine load included) and CPU time (the work itself) per proof."""
    verifier = _verifier()
    rng = random.Random(7)
    wall, cpu, compute_wall, compute_cpu, cons = [], [], [], [], []
    async with engine.connect() as conn:
        for _ in range(200):  # warm the page cache and the statement cache
            await tlog.inclusion_proof(conn, rng.randrange(head.size), head.size)
        for _ in range(count):
            i = rng.randrange(head.size)
            w, c = time.perf_counter(), time.process_time()
            path = await tlog.inclusion_proof(conn, i, head.size)
            cpu.append((time.process_time() - c) * 1000)
            wall.append((time.perf_counter() - w) * 1000)
        for _ in range(count):
            i = rng.randrange(head.size)
            nodes = await tlog._nodes(conn, merkle.needed(merkle.inclusion_ranges(i, head.size)))
            w, c = time.perf_counter(), time.thread_time()
            ranges = merkle.inclusion_ranges(i, head.size)
            merkle.needed(ranges)
            merkle.assemble(ranges, nodes.__getitem__)
            compute_cpu.append((time.thread_time() - c) * 1000)
            compute_wall.append((time.perf_counter() - w) * 1000)
        for _ in range(min(count, 1000)):
            m = rng.randrange(1, head.size)
            w = time.perf_counter()
            await tlog.consistency_proof(conn, m, head.size)
            cons.append((time.perf_counter() - w) * 1000)
        i = rng.randrange(head.size)
        path = await tlog.inclusion_proof(conn, i, head.size)
    assert verifier.check_inclusion(i, head.size, leaves[i], path, head.root)

    def q(values: list[float]) -> str:
        return f"p50 {statistics.median(values):.3f} ms, p99 {_percentile(values, 0.99):.3f} ms, max {max(values):.3f} ms"

    print(f"inclusion proof at {head.size:,} leaves ({len(path)} hashes), {count} random leaves, verified by fupin_verify:")
    print(f"  computation (plan + hash up, nodes in hand):  CPU {q(compute_cpu)};  wall {q(compute_wall)}")
    print(f"  through the database (one indexed query):     CPU {q(cpu)};  wall {q(wall)}")
    print(f"consistency proof to {head.size:,} from {len(cons)} random sizes, through the database: wall {q(cons)}")


def _verifier():
    spec = importlib.util.spec_from_file_location("fupin_verify", ROOT / "verifier" / "fupin_verify.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    asyncio.run(main())

"""`make bench` runs on a fresh clone: every bench in ``bench/run.sh``, at its smoke size, runs to the end.

The benches are how the project's performance figures are made (``bench/RESULTS.md``); a bench that
no longer starts, or that crashes at its clean-up, loses them. This runs ``bash bench/run.sh --smoke``
(the same script and table as ``make bench``, tiny sizes: about two minutes) against the shared
PostgreSQL and Kafka, and checks that each bench printed its figures. It asserts no time.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
from pathlib import Path

import pytest

from bench.topics import topic_names
from tests.conftest import KAFKA, MODES

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif("distributed" not in MODES, reason="the benches run against the shared PostgreSQL and Kafka")


def bench_names() -> list[str]:
    """The names in bench/run.sh's table, in its order."""
    text = (ROOT / "bench" / "run.sh").read_text(encoding="utf-8")
    return re.findall(r'^\s*"([a-z_]+)\|bench/', text, flags=re.MULTILINE)


def test_every_bench_file_is_in_the_table() -> None:
    listed = set(bench_names())
    scripts = {p.stem for p in (ROOT / "bench").glob("*.py") if p.stem not in {"county", "procs", "clock", "topics"}}  # shared helpers, not benches
    assert scripts <= listed, f"benches not in bench/run.sh (so not in `make bench`): {sorted(scripts - listed)}"


def test_make_bench_smoke_runs_every_bench_to_its_figures() -> None:
    names = bench_names()
    assert len(names) >= 6
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUPIN_")}
    before = asyncio.run(topic_names(KAFKA))
    run = subprocess.run(["bash", "bench/run.sh", "--smoke"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-6000:]
    for i, name in enumerate(names, 1):
        assert f"== [{i}/{len(names)}] {name}:" in out, out[-3000:]
        printed = (ROOT / "bench" / "out" / f"{name}.txt").read_text(encoding="utf-8")
        # Every bench ends in figures: a rate, a latency or a ratio, with a number in it.
        assert re.search(r"\d[\d,.]*\s*(events/s|rows/s|req/s|/s|ms|s\b|×)", printed), f"{name} printed no figure:\n{printed[-2000:]}"
        assert "Traceback" not in printed, f"{name}:\n{printed[-3000:]}"
    assert f"== {len(names)} bench(es) in " in out
    # Their topics too are gone (bench/topics.py): the apps' own under each run's prefix, not only those produced.
    left = sorted(t for t in asyncio.run(topic_names(KAFKA)) - before if re.match(r"^(bench[0-9a-f]{8}|b[0-9a-f]{10,12})\.", t))
    assert not left, f"topics the benches left behind: {left[:20]}"

"""The standalone verifier runs with nothing but the standard library and its one stated dependency.

How it is isolated (the test does not build a virtual environment: installing ``cryptography``
into one needs the package index, which a test must not): a fresh interpreter with ``-I -S``
(no site-packages, no user site, no environment variables), whose ``sys.path`` is the standard
library plus two directories — the verifier's own, and one holding only ``cryptography`` and
what ``cryptography`` itself requires (``cffi``, ``pycparser``), linked from this environment.
The platform's code is not importable there, and the test shows it.
"""

from __future__ import annotations

import base64
import importlib.metadata as md
import json
import os
import subprocess
import sys
from pathlib import Path

from shared import merkle
from shared.checkpoint import Checkpoint, Signer
from shared.events.envelope import canonical_json, seal
from tests.audit.support import VERIFIER


def _only_the_dependency(tmp: Path) -> Path:
    """A directory with ``cryptography`` and its own requirements, nothing else."""
    deps = tmp / "deps"
    deps.mkdir()
    for dist in ("cryptography", "cffi", "pycparser"):
        d = md.distribution(dist)
        tops = {str(f).split("/")[0] for f in d.files or [] if not str(f).startswith("..")}
        for top in tops:
            src = Path(d.locate_file(top))
            if src.exists() and not (deps / top).exists():
                (deps / top).symlink_to(src)
    return deps


def _run(deps: Path, *args: str) -> subprocess.CompletedProcess[str]:
    boot = (
        "import sys; sys.path[:0] = [sys.argv.pop(1), sys.argv.pop(1)]; "
        "import fupin_verify; "
        "assert 'shared' not in sys.modules and all('site-packages' not in p for p in sys.path), sys.path; "
        "sys.exit(fupin_verify.main(sys.argv[1:]))"
    )
    env = {"PATH": os.environ.get("PATH", "")}
    return subprocess.run(
        [sys.executable, "-I", "-S", "-c", boot, str(VERIFIER.parent), str(deps), *args], capture_output=True, text=True, timeout=120, env=env
    )


def _log(n: int) -> list[dict]:
    envs, prev = [], "0" * 64
    for i in range(1, n + 1):
        env = seal(
            event_id=f"ev-{i}",
            service="funds",
            type_="fupin.funds.subsidy_paid.v1",
            time="2026-12-01T00:00:00Z",
            subject=None,
            data={"amount_fen": 1000 * i, "household_id": f"h-{i % 3}", "name": "耕地地力保护补贴"},
            sequence=i,
            prevhash=prev,
            actor="tester",
            actorrole="county_officer",
            partitionkey=f"h-{i % 3}",
        )
        prev = env["hash"]
        envs.append(env)
    return envs


def test_the_verifier_runs_isolated_with_only_cryptography(tmp_path):
    deps = _only_the_dependency(tmp_path)
    signer = Signer.generate("fupin.shaoguan.gov.cn")
    key = signer.verifier().encode()
    envs = _log(11)
    leaves = [merkle.leaf_hash(canonical_json(e)) for e in envs]
    size, frontier, store = 0, [], {}
    size, nodes = merkle.append_leaves(size, frontier, leaves[:7])
    store.update({(lv, ix): h for lv, ix, h in nodes})
    old = signer.sign(Checkpoint("fupin.shaoguan.gov.cn/funds", 7, merkle.root_of_frontier(frontier)).text())
    size, nodes = merkle.append_leaves(size, frontier, leaves[7:])
    store.update({(lv, ix): h for lv, ix, h in nodes})
    new = signer.sign(Checkpoint("fupin.shaoguan.gov.cn/funds", 11, merkle.root_of_frontier(frontier)).text())
    (tmp_path / "old").write_text(old)
    (tmp_path / "new").write_text(new)
    (tmp_path / "log.ndjson").write_bytes(b"".join(canonical_json(e) + b"\n" for e in envs))

    ok = _run(deps, "log", "--key", key, "--checkpoint", str(tmp_path / "old"), "--log", str(tmp_path / "log.ndjson"), "--event-id", "ev-3")
    assert ok.returncode == 0 and "INCLUDED at index 2" in ok.stdout, ok.stdout + ok.stderr

    path = merkle.assemble(merkle.inclusion_ranges(4, 11), store.__getitem__)
    proof = {
        "origin": "fupin.shaoguan.gov.cn/funds",
        "tree_size": 11,
        "leaf_index": 4,
        "event": envs[4],
        "inclusion_path": [base64.b64encode(h).decode() for h in path],
    }
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    ok = _run(deps, "inclusion", "--key", key, "--checkpoint", str(tmp_path / "new"), "--proof", str(tmp_path / "proof.json"))
    assert ok.returncode == 0 and "VERIFIED" in ok.stdout, ok.stdout + ok.stderr

    cpath = merkle.assemble(merkle.consistency_ranges(7, 11), store.__getitem__)
    (tmp_path / "cons.json").write_text(json.dumps({"first": 7, "second": 11, "consistency_path": [base64.b64encode(h).decode() for h in cpath]}))
    ok = _run(deps, "consistency", "--key", key, "--old", str(tmp_path / "old"), "--new", str(tmp_path / "new"), "--proof", str(tmp_path / "cons.json"))
    assert ok.returncode == 0 and "CONSISTENT" in ok.stdout, ok.stdout + ok.stderr

    # And it fails where it must: another key, an altered entry.
    other = Signer.generate("fupin.shaoguan.gov.cn").verifier().encode()
    assert _run(deps, "checkpoint", "--key", other, "--checkpoint", str(tmp_path / "new")).returncode == 1
    proof["event"]["data"]["amount_fen"] += 1
    (tmp_path / "proof.json").write_text(json.dumps(proof))
    bad = _run(deps, "inclusion", "--key", key, "--checkpoint", str(tmp_path / "new"), "--proof", str(tmp_path / "proof.json"))
    assert bad.returncode == 1 and "NOT VERIFIED" in bad.stdout


def test_the_platform_is_not_importable_where_the_verifier_runs(tmp_path):
    deps = _only_the_dependency(tmp_path)
    probe = subprocess.run(
        [sys.executable, "-I", "-S", "-c", "import sys; sys.path[:0] = sys.argv[1:3]; import shared", str(VERIFIER.parent), str(deps)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert probe.returncode != 0 and "No module named 'shared'" in probe.stderr


def test_the_verifier_package_states_exactly_one_dependency():
    import tomllib

    meta = tomllib.loads((VERIFIER.parent / "pyproject.toml").read_text())
    assert meta["project"]["dependencies"] == ["cryptography"]
    assert meta["project"]["scripts"] == {"fupin-verify": "fupin_verify:main"}
    imports = {line.split()[1].split(".")[0] for line in VERIFIER.read_text().splitlines() if line.strip().startswith(("import ", "from "))}
    assert imports - set(sys.stdlib_module_names) == {"cryptography"}, imports

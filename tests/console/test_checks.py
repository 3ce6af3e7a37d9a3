"""The console's own checks in the suite: type checks (vue-tsc --noEmit) and its unit tests (Vitest)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.environ.get("FUPIN_TEST_MODES", "embedded,distributed").strip() == "distributed", reason="runs once")


def test_console_type_checks_and_unit_tests_pass():
    if shutil.which("node") is None:
        pytest.fail("Node.js is needed for the console's checks")
    r = subprocess.run(["bash", str(ROOT / "deploy" / "console.sh"), "check"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    print(r.stdout[-8000:])
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-3000:]
    assert "passed" in r.stdout

"""The operator console in a real headless Chromium, against the embedded platform seeded through its API.

pytest builds the console (deploy/console.sh), starts the embedded app serving it, seeds it, and
runs the Playwright scenarios in console/e2e/console.test.mjs (Debian's Chromium, by executablePath).
They save a screenshot of each screen, in Chinese, into docs/console/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.console.seed import seed

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "console"
CHROMIUM = os.environ.get("FUPIN_CHROMIUM", "/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    os.environ.get("FUPIN_TEST_MODES", "embedded,distributed").strip() == "distributed", reason="UI tests run once, in embedded mode"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def console_dist() -> Path:
    if shutil.which("node") is None:
        pytest.fail("Node.js is needed for the console's tests (make test installs nothing for it: it is on these machines)")
    subprocess.run(["bash", str(ROOT / "deploy" / "console.sh"), "build", "--strict"], check=True, cwd=ROOT)
    return CONSOLE / "dist"


@pytest.fixture(scope="module")
def server(console_dist: Path, tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("console-data")
    port = _free_port()
    env = {
        **os.environ,
        "FUPIN_ENV": "test",
        "FUPIN_MODE": "embedded",
        "FUPIN_DATA_DIR": str(data),
        "FUPIN_CONSOLE_DIST": str(console_dist),
        "FUPIN_LOG_LEVEL": "WARNING",
        "FUPIN_CONSOLE_API_URLS": "{}",
        # The village notice gate (7 days by default) would hold the seeded dividend; tests/oversight tests the gate.
        "FUPIN_NOTICE_WINDOW": "0",
    }
    log = open(data / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "fupin.embedded:create_app", "--factory", "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the platform did not start: {(data / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield {"base": base, "data": data}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_console_in_chromium_sign_in_village_income_maker_checker_r9_scope_and_import(server, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run deploy/browser.sh (make test does)")
    seeded = seed(server["base"], tmp_path)
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(seeded, ensure_ascii=False), encoding="utf-8")
    shots = Path(os.environ.get("FUPIN_CONSOLE_SHOTS", ROOT / "docs" / "console"))
    shots.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", "e2e/console.test.mjs"],
        cwd=CONSOLE,
        env={**os.environ, "FUPIN_SEED": str(seed_file), "FUPIN_SHOTS": str(shots), "FUPIN_CHROMIUM": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(result.stdout[-20000:])
    print(result.stderr[-5000:], file=sys.stderr)
    assert result.returncode == 0, "browser scenarios failed:\n" + result.stdout[-6000:] + result.stderr[-3000:]
    for screen in (
        "signin",
        "overview",
        "overview-city",
        "village",
        "household",
        "funds",
        "funds-r9",
        "funds-reach",
        "village-cadre-mobile",
        "village-cadre-refused",
        "import",
        "audit",
    ):
        assert (shots / f"{screen}.png").stat().st_size > 5_000, screen

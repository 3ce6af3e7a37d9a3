"""deploy/supervisord.conf run for one test: its own ports, databases, topics, socket and logs."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from tests.e2e.cluster import ROOT, Cluster, free_port

CONF = ROOT / "deploy" / "supervisord.conf"
BIN = Path(sys.executable).parent
PROGRAMS = ("funds", "households", "market", "training", "ledger", "ledger-consumer", "oversight")


class Supervised:
    """supervisord in the foreground (``-n``) over the programs a drill needs; ``close()`` shuts it all down."""

    def __init__(self, cluster: Cluster, workdir: Path, programs: tuple[str, ...], **env: str) -> None:
        self.cluster = cluster
        # supervisord's control socket: an AF_UNIX path holds at most 107 bytes, and pytest's own
        # temporary directories (deeper still under xdist) came within a few bytes of it.
        self.run_dir = Path(tempfile.mkdtemp(prefix="fupin-sv-"))
        self.log_dir = workdir / "log"
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port() for name in PROGRAMS}
        self.env = cluster.env(
            FUPIN_ROOT=str(ROOT),
            FUPIN_RUN_DIR=str(self.run_dir),
            FUPIN_LOG_DIR=str(self.log_dir),
            FUPIN_BIN=str(BIN / "fupin"),
            FUPIN_HOST="127.0.0.1",
            FUPIN_INSTANCE=f"e{cluster.run_id}",
            **{f"FUPIN_PORT_{n.upper().replace('-', '_')}": str(p) for n, p in self.ports.items()},
            **{f"FUPIN_START_{n.upper().replace('-', '_')}": "true" if n in programs else "false" for n in PROGRAMS},
            **env,
        )
        self.programs = programs
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    async def start(self) -> None:
        out = open(self.log_dir / "supervisord.stdout", "ab")  # noqa: SIM115 - owned by the process
        self.proc = subprocess.Popen([str(BIN / "supervisord"), "-n", "-c", str(CONF)], cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        for name in self.programs:
            await self.wait_ready(name)

    async def wait_ready(self, name: str, path: str = "/readyz", tries: int = 240) -> None:
        async with httpx.AsyncClient(timeout=5) as client:
            for _ in range(tries):
                try:
                    if (await client.get(self.url(name) + path)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                if self.proc is not None and self.proc.poll() is not None:
                    raise RuntimeError(f"supervisord exited ({self.proc.returncode}) before {name} was ready:\n{self.supervisord_output()}")
                await asyncio.sleep(0.25)
        raise RuntimeError(f"{name} never ready:\n{self.log(name)[-3000:]}\n{self.ctl('status')}\n{self.supervisord_output()}")

    async def wait_running(self, tries: int = 120) -> str:
        """``supervisorctl status`` once every program it started is RUNNING (or the last status seen).

        A restarted program answers its health check before supervisord counts it RUNNING: it stays
        STARTING for ``startsecs`` (3 s in deploy/supervisord.conf). A program that crashes instead
        goes BACKOFF or FATAL and never gets there, so the caller's assertion still fails.
        """
        status = ""
        for _ in range(tries):
            status = self.ctl("status")
            if status.count("RUNNING") == len(self.programs):
                return status
            await asyncio.sleep(0.25)
        return status

    def supervisord_output(self) -> str:
        parts = []
        for path in (self.log_dir / "supervisord.stdout", self.log_dir / "supervisord.log"):
            if path.exists():
                parts.append(f"--- {path.name}\n" + path.read_text(errors="replace")[-3000:])
        return "\n".join(parts) or "(supervisord wrote nothing)"

    def ctl(self, *args: str) -> str:
        result = subprocess.run([str(BIN / "supervisorctl"), "-c", str(CONF), *args], env=self.env, capture_output=True, text=True, timeout=60)
        return result.stdout + result.stderr

    def pid(self, name: str) -> int:
        return int(self.ctl("pid", name).strip() or 0)

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.ctl("shutdown")
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.run_dir, ignore_errors=True)

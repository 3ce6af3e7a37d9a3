"""Real processes for end-to-end tests: each service under uvicorn, the ledger consumer on its own."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from shared.settings import FupinSettings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    """A distributed deployment on fresh databases and topics, for one test."""

    database_urls: dict[str, str]
    kafka: str
    logdir: Path
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    @property
    def settings(self) -> FupinSettings:
        return FupinSettings(
            env="test",
            mode="distributed",
            database_urls=self.database_urls,
            kafka_bootstrap=self.kafka,
            topic_prefix=f"e{self.run_id}.",
            consumer_group_prefix=f"e{self.run_id}.",
        )

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FUPIN_")}
        env.update(
            {
                "FUPIN_ENV": "test",
                "FUPIN_MODE": "distributed",
                "FUPIN_DATABASE_URLS": json.dumps(self.database_urls),
                "FUPIN_KAFKA_BOOTSTRAP": self.kafka,
                "FUPIN_TOPIC_PREFIX": f"e{self.run_id}.",
                "FUPIN_CONSUMER_GROUP_PREFIX": f"e{self.run_id}.",
                "FUPIN_POLL_INTERVAL_SECONDS": "0.05",
                "FUPIN_LOG_LEVEL": "INFO",
            }
        )
        env.update(extra)
        return env

    def _spawn(self, name: str, args: list[str], **env: str) -> None:
        log = open(self.logdir / f"{name}.log", "ab")  # noqa: SIM115 - owned by the process
        self.procs[name] = subprocess.Popen([sys.executable, "-m", "fupin.cli", *args], cwd=ROOT, env=self.env(**env), stdout=log, stderr=subprocess.STDOUT)

    async def start_service(self, name: str, **env: str) -> str:
        port = self.ports.get(name) or free_port()
        self.ports[name] = port
        self._spawn(name, ["serve-service", name, "--port", str(port)], **env)
        url = f"http://127.0.0.1:{port}"
        await self.wait_http(name, url)
        return url

    def start_consumer(self, name: str = "ledger") -> None:
        self._spawn(f"{name}-consumer", ["consume", name])

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        proc.wait(timeout=30)

    async def wait_http(self, name: str, url: str) -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(240):
                if self.procs[name].poll() is not None:
                    raise RuntimeError(f"{name} exited:\n{self.log(name)[-3000:]}")
                try:
                    if (await client.get(f"{url}/healthz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.25)
        raise RuntimeError(f"{name} never answered:\n{self.log(name)[-3000:]}")

    def log(self, name: str) -> str:
        path = self.logdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self) -> None:
        for name in list(self.procs):
            proc = self.procs.pop(name)
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


async def query(url: str, sql: str, **params: Any) -> list[Any]:
    """Read a service database directly (tests only: to count what the ledger holds)."""
    from sqlalchemy import text

    from shared.db import create_engine

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(text(sql), params)).all())
    finally:
        await engine.dispose()

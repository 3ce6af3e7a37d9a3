"""The deployment files agree with each other and with the code: supervisord, docker-compose, the override of the database template."""

from __future__ import annotations

import configparser
import os
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("funds", "households", "market", "training", "ledger", "oversight")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUPIN_")}
    return env | extra


def _distributed_env(**extra: str) -> dict[str, str]:
    out = subprocess.run(["bash", str(ROOT / "deploy/distributed.sh"), "env"], env=_env(**extra), capture_output=True, text=True, check=True)
    return dict(line.split("=", 1) for line in out.stdout.splitlines())


def test_database_url_template_override_is_taken_as_given():
    mine = "postgresql+asyncpg://ops:secret@10.0.0.9:6432/prod_{service}"
    assert _distributed_env(FUPIN_DATABASE_URL_TEMPLATE=mine)["FUPIN_DATABASE_URL_TEMPLATE"] == mine


def test_database_url_template_default_names_each_service_once():
    template = _distributed_env()["FUPIN_DATABASE_URL_TEMPLATE"]
    assert template == "postgresql+asyncpg://fupin:fupin@127.0.0.1:5432/fupin_{service}"
    assert template.format(service="ledger").endswith("/fupin_ledger")


def test_supervisord_runs_every_service_and_one_ledger_consumer_restarting_on_crash():
    conf = configparser.RawConfigParser()
    conf.read(ROOT / "deploy/supervisord.conf")
    programs = {s.removeprefix("program:"): conf[s] for s in conf.sections() if s.startswith("program:")}
    assert set(programs) == {*SERVICES, "ledger-consumer"}
    for name, section in programs.items():
        assert section["autorestart"] == "true", name
        assert int(section["startretries"]) > 0
    # The ledger API runs no consumer of its own; the consumer has a static instance id and a health port.
    assert 'FUPIN_RUN_CONSUMERS="false"' in programs["ledger"]["environment"]
    assert "--instance-id" in programs["ledger-consumer"]["command"] and "--health-port" in programs["ledger-consumer"]["command"]


def test_docker_compose_keeps_the_same_topology_and_the_ledger_api_runs_no_second_consumer():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in SERVICES:
        assert compose[name]["command"][:3] == ["fupin", "serve-service", name]
        assert compose[name]["restart"] == "unless-stopped"
    assert compose["ledger"]["environment"]["FUPIN_RUN_CONSUMERS"] == "false"
    consumer = compose["ledger-consumer"]["command"]
    assert consumer[:3] == ["fupin", "consume", "ledger"] and "--instance-id" in consumer and "--health-port" in consumer
    # No other service runs the ledger's consumer.
    assert [n for n, s in compose.items() if s.get("command", [None, None, None])[1:3] == ["consume", "ledger"]] == ["ledger-consumer"]

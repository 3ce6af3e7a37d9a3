"""Prometheus /metrics of a running app: requests by route template, outbox and relay, consumers, freshness, pools."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.helpers import eventually
from tests.households.support import make_village

ROOT = Path(__file__).resolve().parents[2]


def _series(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


async def test_metrics_name_the_route_template_and_the_bus(platform):
    village = await make_village(platform)
    r = await platform.client.get(f"/households/v1/villages/{village}", headers=platform.admin)
    assert r.status_code == 200, r.text

    async def scraped() -> dict[str, float]:
        r = await platform.client.get("/metrics")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        series = _series(r.text)
        # By template, not by path: a village code never becomes a label.
        assert any('route="/households/v1/villages/{code}"' in s and s.startswith("fupin_http_requests_total") for s in series), r.text[:2000]
        assert not any(village in s for s in series)
        assert any(s.startswith("fupin_http_request_duration_seconds_bucket") for s in series)
        assert any(s.startswith("fupin_consumer_applied_events_total") for s in series) or platform.mode == "embedded"
        assert any(s.startswith('fupin_freshness_lag_events{consumer="ledger"}') for s in series)
        assert any(s.startswith('fupin_db_pool_checked_out{service="households"}') for s in series)
        if platform.mode == "distributed":
            assert series['fupin_outbox_backlog_events{source="households"}'] >= 0
            assert series['fupin_relay_published_events_total{source="households"}'] > 0
            assert any(re.match(r'fupin_consumer_lag_events\{consumer="ledger",partition="\d+",topic=', s) for s in series)
            assert any(s.startswith('fupin_consumer_batch_events_count{consumer="ledger"}') for s in series)
        return series

    await eventually(scraped)


def _metric_names() -> set[str]:
    from prometheus_client.metrics import MetricWrapperBase

    from shared import metrics

    names = set()
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            for family in value.describe():
                names.add(family.name)
    names |= {"fupin_db_pool_checked_out", "fupin_db_pool_size"}
    return names


def test_alert_rules_and_dashboard_read_series_the_processes_export():
    names = _metric_names()
    suffixes = ("_total", "_bucket", "_count", "_sum")

    def known(expr: str) -> list[str]:
        used = set(re.findall(r"\b(fupin_[a-z_]+)", expr))
        return [u for u in used if u not in names and not any(u.endswith(s) and u[: -len(s)] in names for s in suffixes)]

    rules = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    assert {a["alert"] for a in alerts} >= {"FupinOutboxBacklog", "FupinConsumerLag", "FupinLedgerStale", "FupinHttpErrorRate"}
    for a in alerts:
        assert not known(a["expr"]), (a["alert"], known(a["expr"]))
        assert a["annotations"]["runbook"].startswith("docs/runbooks.md#")
    import json

    dashboard = json.loads((ROOT / "deploy/grafana/fupin.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert len(exprs) >= 8
    for expr in exprs:
        assert not known(expr), expr

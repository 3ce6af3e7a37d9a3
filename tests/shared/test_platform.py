"""The platform as a whole: migrations match the models, OpenAPI covers every service, docs are current, seed works."""

from __future__ import annotations

from pathlib import Path

import httpx

from shared import migrations
from shared.eventdoc import render
from shared.seed import seed
from shared.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]


async def test_each_service_database_is_exactly_what_its_migrations_make(platform):
    for name, ctx in platform.app.state.contexts.items():
        diff = await migrations.pending_changes(ctx.engine, ctx.spec)
        assert diff == [], f"{name}: models and migrations differ — run `fupin makemigrations {name}`: {diff}"


async def test_openapi_lists_the_routes_of_all_five_services_with_examples(platform):
    doc = (await platform.client.get("/openapi.json")).json()
    prefixes = {path.split("/")[1] for path in doc["paths"]}
    assert set(SERVICES) <= prefixes
    assert "bearerAuth" in str(doc["components"].get("securitySchemes", {})) or "HTTPBearer" in str(doc["components"].get("securitySchemes", {}))


async def test_readyz_reports_databases_and_event_bus(platform):
    body = (await platform.client.get("/readyz")).json()
    assert body["status"] == "ready"
    assert {f"{s}.database" for s in SERVICES} <= set(body["checks"]) and "event_bus" in body["checks"]


def test_event_catalogue_is_generated_from_the_current_contracts():
    assert (ROOT / "docs" / "events.md").read_text(encoding="utf-8") == render(), "docs/events.md is stale: run `make docs`"


async def test_seed_loads_every_county_through_the_api(platform):
    transport = httpx.ASGITransport(app=platform.app)
    assert await seed("http://fupin.test", households_per_village=2, villages_per_county=1, transport=transport, quiet=True) == 0
    for county in ("440203", "440204", "440205", "440222", "440224", "440229", "440232", "440233", "440281", "440282"):
        page = (await platform.client.get("/households/v1/villages", params={"limit": 500}, headers=platform.as_("county_officer", county))).json()
        assert any(v["name"].endswith("示范1村") for v in page["items"]), county
    # seeding again changes nothing (idempotency keys)
    assert await seed("http://fupin.test", households_per_village=2, villages_per_county=1, transport=transport, quiet=True) == 0


async def test_every_json_request_body_in_openapi_has_an_example(platform):
    doc = (await platform.client.get("/openapi.json")).json()
    schemas = doc["components"]["schemas"]
    missing = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for media_type, media in op.get("requestBody", {}).get("content", {}).items():
                if media_type != "application/json":
                    continue  # file uploads are described by their template endpoint
                schema = media.get("schema", {})
                schema = schemas[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema
                if not ({"example", "examples"} & (set(media) | set(schema))):
                    missing.append(f"{method.upper()} {path}")
    assert missing == []


async def test_topics_are_kept_forever_in_distributed_mode(platform):
    """The topics are the audit log: created with unlimited retention, one per source service."""
    if platform.mode != "distributed":
        return  # the embedded log is the outbox tables, never truncated
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    from tests.helpers import eventually, village_code

    assert (await platform.client.post("/households/v1/villages", json={"code": village_code(), "name": "留存村"}, headers=platform.admin)).status_code == 201
    admin = AIOKafkaAdminClient(bootstrap_servers=platform.settings.kafka_bootstrap)
    await admin.start()
    try:
        topic = platform.settings.topic("households")

        async def created():
            assert topic in await admin.list_topics()

        await eventually(created)
        described = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        configs = {entry[0]: entry[1] for resource in described[0].resources for entry in resource[4]}
        assert configs["retention.ms"] == "-1" and configs["retention.bytes"] == "-1"
    finally:
        await admin.close()

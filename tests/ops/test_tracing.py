"""One payout followed end to end: the request's W3C traceparent in the event, the Kafka headers and the ledger's log."""

from __future__ import annotations

import logging
import secrets

from shared.events.envelope import event_hash
from tests.helpers import eventually
from tests.households.support import make_household, make_village, outbox_events


async def test_traceparent_flows_from_the_request_into_the_event_kafka_and_the_ledger_log(platform, caplog):
    caplog.set_level(logging.INFO, logger="fupin.bus")
    trace_id, parent_span = secrets.token_hex(16), secrets.token_hex(8)
    village = await make_village(platform)
    household = await make_household(platform, village, headers=platform.admin | {"traceparent": f"00-{trace_id}-{parent_span}-01"})

    [event] = await outbox_events(platform, "household_registered", subject=household["id"])
    version, event_trace, span, flags = event["traceparent"].split("-")
    # The server span is a child of the caller's: same trace, its own span id.
    assert (version, event_trace, flags) == ("00", trace_id, "01") and span != parent_span
    assert event_hash(event) == event["hash"]  # hashed with the rest of the envelope

    async def applied_by_ledger() -> None:
        assert any(r.getMessage() == "events applied" and trace_id in getattr(r, "trace_ids", []) and r.consumer == "ledger" for r in caplog.records)

    await eventually(applied_by_ledger)

    if platform.mode == "distributed":
        from aiokafka import AIOKafkaConsumer

        reader = AIOKafkaConsumer(
            platform.settings.topic("households"), bootstrap_servers=platform.settings.kafka_bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
        )
        await reader.start()
        try:
            headers = None
            for _ in range(20):
                for messages in (await reader.getmany(timeout_ms=500)).values():
                    for m in messages:
                        if household["id"].encode() in m.value and b"household_registered" in m.value:
                            headers = dict(m.headers)
                if headers:
                    break
        finally:
            await reader.stop()
        assert headers is not None and headers["traceparent"].decode() == event["traceparent"]


async def test_a_request_without_traceparent_starts_its_own_trace(platform):
    village = await make_village(platform)
    household = await make_household(platform, village)
    [event] = await outbox_events(platform, "household_registered", subject=household["id"])
    assert len(event["traceparent"].split("-")[1]) == 32

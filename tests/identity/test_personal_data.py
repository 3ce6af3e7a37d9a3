"""Identity numbers (and phone numbers) never appear in plain text in the databases, the event log or the logs."""

from __future__ import annotations

import io
import logging

from sqlalchemy import select

from shared.logging import JsonFormatter
from tests.helpers import citizen_id, eventually, unique_number, village_code


async def _all_stored_text(platform) -> str:
    """Every row of every table of every service database, as text."""
    chunks = []
    for ctx in platform.app.state.contexts.values():
        async with ctx.engine.connect() as conn:
            for table in ctx.spec.metadata.sorted_tables:
                for row in (await conn.execute(select(table))).all():
                    chunks.append(repr(tuple(row)))
    return "\n".join(chunks)


async def _kafka_text(platform, topic: str) -> str:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=platform.settings.kafka_bootstrap, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        out = []
        while True:
            batch = await consumer.getmany(timeout_ms=1500)
            if not batch:
                return "\n".join(out)
            out += [m.value.decode() for msgs in batch.values() for m in msgs]
    finally:
        await consumer.stop()


async def test_identity_numbers_are_not_stored_logged_or_published_in_plain_text(platform):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        code = village_code()
        await platform.client.post("/households/v1/villages", json={"code": code, "name": "隐私村"}, headers=platform.admin)
        number = citizen_id()
        phone = "13912345678"
        member = {
            "name": "隐私",
            "id_number": number,
            "phone": phone,
            "relation": "head",
            "birth_date": "1982-02-02",
            "sex": "female",
            "labour_capacity": "full",
        }
        r = await platform.client.post(
            "/households/v1/households",
            json={"household_number": unique_number(), "village_code": code, "registered_on": "2026-01-01", "members": [member]},
            headers=platform.admin,
        )
        assert r.status_code == 201
        household = r.json()["id"]
        # a rejected request that echoes the number must not log it either
        await platform.client.post(
            "/households/v1/households",
            json={"household_number": unique_number(), "village_code": "440232999999", "registered_on": "2026-01-01", "members": [member]},
            headers=platform.admin,
        )

        async def reached_ledger():
            assert (await platform.client.get(f"/ledger/v1/households/{household}/income", params={"year": 2026}, headers=platform.admin)).status_code == 200

        await eventually(reached_ledger)
        stored = await _all_stored_text(platform)
        assert household in stored  # the scan really sees the data
        assert number not in stored and phone not in stored
        if platform.mode == "distributed":
            published = await _kafka_text(platform, platform.settings.topic("households"))
            assert household in published and number not in published and phone not in published
        assert number not in stream.getvalue() and phone not in stream.getvalue()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


async def test_identity_number_is_masked_for_roles_that_do_not_need_it(platform):
    code = village_code()
    await platform.client.post("/households/v1/villages", json={"code": code, "name": "掩码村"}, headers=platform.admin)
    number = citizen_id()
    member = {
        "name": "掩码",
        "id_number": number,
        "phone": "13700001234",
        "relation": "head",
        "birth_date": "1982-02-02",
        "sex": "male",
        "labour_capacity": "none",
    }
    r = await platform.client.post(
        "/households/v1/households",
        json={"household_number": unique_number(), "village_code": code, "registered_on": "2026-01-01", "members": [member]},
        headers=platform.as_("village_cadre", code),
    )
    assert r.status_code == 201
    hid = r.json()["id"]
    full = (await platform.client.get(f"/households/v1/households/{hid}", headers=platform.as_("village_cadre", code))).json()
    masked = (await platform.client.get(f"/households/v1/households/{hid}", headers=platform.as_("county_officer", code[:6]))).json()
    audited = (await platform.client.get(f"/households/v1/households/{hid}", headers=platform.as_("auditor"))).json()
    assert full["members"][0]["id_number"] == number
    assert masked["members"][0]["id_number"] == audited["members"][0]["id_number"] == f"{number[:6]}********{number[-4:]}"
    assert full["members"][0]["phone"] == "13700001234"
    assert masked["members"][0]["phone"] == audited["members"][0]["phone"] == "137****1234"


async def test_invalid_identity_number_is_a_422_naming_the_field(platform):
    code = village_code()
    await platform.client.post("/households/v1/villages", json={"code": code, "name": "校验村"}, headers=platform.admin)
    number = citizen_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    member = {"name": "错号", "id_number": wrong, "relation": "head", "birth_date": "1982-02-02", "sex": "male", "labour_capacity": "full"}
    r = await platform.client.post(
        "/households/v1/households",
        json={"household_number": unique_number(), "village_code": code, "registered_on": "2026-01-01", "members": [member]},
        headers=platform.admin,
    )
    assert r.status_code == 422 and r.json()["field"] == "members[0].id_number"
    assert wrong not in r.text

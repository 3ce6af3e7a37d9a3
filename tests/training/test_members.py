"""Training follows the households registry: labour capacity changes and members leaving."""

from __future__ import annotations

from datetime import date

from shared.events.training import LabourerComplianceChanged
from tests.helpers import eventually
from tests.training.support import behind, course, labourers, session, training_facts


async def test_a_member_who_gains_labour_capacity_becomes_a_labourer_behind_on_r7(platform):
    village = await labourers(platform, labour="none")
    mid = village.member_ids[0]
    assert await behind(platform, date.today().year, village.code) == []
    r = await platform.client.patch(
        f"/households/v1/members/{mid}", json={"labour_capacity": "full", "effective_on": "2026-01-02"}, headers={**platform.admin, "If-Match": "*"}
    )
    assert r.status_code == 200, r.text

    async def listed():
        assert [i["member_id"] for i in await behind(platform, date.today().year, village.code)] == [mid]

    await eventually(listed)
    facts = await training_facts(platform, LabourerComplianceChanged.event_type, member_id=mid)
    assert [f["status"] for f in facts] == ["behind"]


async def test_a_member_who_left_is_neither_listed_nor_enrolled(platform):
    village = await labourers(platform, 2)
    stays, mid = village.member_ids
    assert {i["member_id"] for i in await behind(platform, 2025, village.code)} == {stays, mid}
    r = await platform.client.post(f"/households/v1/members/{mid}/leave", json={"reason": "婚嫁迁出", "effective_on": "2025-06-01"}, headers=platform.admin)
    assert r.status_code in (200, 201), r.text

    async def gone():
        assert [i["member_id"] for i in await behind(platform, 2025, village.code)] == [stays]

    await eventually(gone)
    sid = await session(platform, await course(platform), village.code, date(2025, 7, 7))
    r = await platform.client.post(f"/training/v1/sessions/{sid}/enrolments", json={"member_ids": [mid]}, headers=platform.admin)
    assert r.status_code == 422 and r.json()["field"] == "member_ids[0]", r.text

"""Facts training emits for the ledger: session_completed, certificate_issued, labourer_compliance_changed."""

from __future__ import annotations

from datetime import date

from shared.events.training import CertificateIssued, LabourerComplianceChanged, SessionCompleted
from tests.helpers import eventually
from tests.training.support import certify, course, labourers, trained, training_facts


async def test_session_completed_is_emitted_per_member_with_days_and_whether_it_counts_for_r7(platform):
    village = await labourers(platform, 2)
    a, b = village.member_ids
    cid = await course(platform, category="agricultural_technique", industry="camellia_oil")
    sid = await trained(platform, cid, village, date(2025, 3, 3), days=4, members=[a])
    facts = await training_facts(platform, SessionCompleted.event_type, session_id=sid)
    assert facts == [
        {
            "member_id": a,
            "household_id": village.household_id,
            "village_code": village.code,
            "session_id": sid,
            "course_id": cid,
            "industry": "camellia_oil",
            "category": "agricultural_technique",
            "days_attended": 4,
            "year": 2025,
            "completed_on": "2025-03-07",
            "counted": False,
        }
    ]
    assert await training_facts(platform, SessionCompleted.event_type, member_id=b) == []


async def test_r7_compliance_changes_are_emitted_as_the_labourer_progresses(platform):
    village = await labourers(platform)
    mid = village.member_ids[0]
    this_year = date.today().year

    async def registered_behind():
        facts = await training_facts(platform, LabourerComplianceChanged.event_type, member_id=mid)
        assert [(f["year"], f["status"]) for f in facts] == [(this_year, "behind")]

    await eventually(registered_behind)
    cid = await course(platform)
    await trained(platform, cid, village, date(2025, 3, 3), days=5)
    await trained(platform, cid, village, date(2025, 6, 2), days=5)
    await certify(platform, mid, on="2025-07-01")
    facts = [f for f in await training_facts(platform, LabourerComplianceChanged.event_type, member_id=mid, year=2025)]
    assert [(f["status"], f["counted_sessions"], f["has_skill"]) for f in facts] == [
        ("behind", 1, False),
        ("on_track", 2, False),
        ("on_track", 2, True),
    ]
    cert = await training_facts(platform, CertificateIssued.event_type, member_id=mid)
    assert [(c["skill"], c["certified_on"], c["household_id"]) for c in cert] == [("茶叶加工", "2025-07-01", village.household_id)]

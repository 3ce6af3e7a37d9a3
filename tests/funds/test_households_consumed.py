"""Funds learns households from the households service's facts: status changes and leaving the registry count."""

from __future__ import annotations

from tests.funds.support import V1, keyed, post, problem, project_body, project_with_shares
from tests.helpers import eventually


async def _known(platform, hid: str, **expected):
    async def check():
        r = await platform.client.get(f"{V1}/households/{hid}", headers=platform.admin)
        assert r.status_code == 200, r.text
        body = r.json()
        for key, value in expected.items():
            assert body[key] == value, body
        return body

    return await eventually(check)


async def test_r17_a_household_no_longer_poor_leaves_the_poor_portion_to_the_others(platform):
    s = await project_with_shares(platform, units=[1, 1])
    first, second = s["households"]
    assert (await _known(platform, first))["takes_poor_portion"] is True
    r = await platform.client.post(
        f"/households/v1/households/{first}/status",
        json={"poverty_status": "not_poor", "effective_on": "2026-06-01", "reason": "识别有误"},
        headers=platform.admin,
    )
    assert r.status_code == 200, r.text
    await _known(platform, first, poverty_status="not_poor", takes_poor_portion=False)
    d = await post(platform, "/distributions", {"project_id": s["project"], "period": "2026", "total_fen": 10_000, "paid_on": "2026-12-31"})
    assert [(line["household_id"], line["amount_fen"]) for line in d["split"]] == [(second, 6_000)]


async def test_a_household_that_left_the_registry_gets_no_new_shares(platform):
    s = await project_with_shares(platform, units=[1, 1])
    gone = s["households"][0]
    r = await platform.client.post(f"/households/v1/households/{gone}/leave", json={"reason": "迁出", "effective_on": "2026-07-01"}, headers=platform.admin)
    assert r.status_code == 200, r.text
    await _known(platform, gone, left_on="2026-07-01", takes_poor_portion=False)
    other = await post(platform, "/projects", project_body(s["village"], s["entity"]))
    problem(
        await platform.client.post(f"{V1}/projects/{other['id']}/shares", json={"household_id": gone, "units": 1}, headers=keyed(platform.admin)),
        422,
        field="household_id",
    )

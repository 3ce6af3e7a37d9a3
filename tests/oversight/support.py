"""Building what a notice is about through the APIs: a project whose households hold shares, an approved distribution."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.oversight.sweeper import clock_of
from tests.funds.support import keyed, make_allocation, make_entity, make_fund, make_village, post, project_body
from tests.funds.test_household_income import land
from tests.helpers import citizen_id, eventually, unique_number

OV = "/oversight/v1"
HEAD_NAMES = ("林建国", "欧阳秀英", "王芳")


async def household(platform: Any, village: str, head: str, *, phone: str = "13812345678") -> tuple[str, str]:
    """A poor household whose head is ``head`` (with an identity number and a phone), once funds knows it; (id, identity number)."""
    id_number = citizen_id(village[:6])
    head_member = {
        "name": head,
        "id_number": id_number,
        "relation": "head",
        "birth_date": "1975-05-01",
        "sex": "male",
        "labour_capacity": "full",
        "phone": phone,
    }
    body = {
        "household_number": unique_number("O"),
        "village_code": village,
        "registered_on": "2026-01-01",
        "poverty_status": "registered_poor",
        "members": [head_member],
    }
    r = await platform.client.post("/households/v1/households", json=body, headers=platform.admin)
    assert r.status_code == 201, r.text
    hid = r.json()["id"]

    async def funds_knows() -> None:
        assert (await platform.client.get(f"/funds/v1/households/{hid}/income-lines", headers=platform.admin)).status_code == 200

    await eventually(funds_knows)
    return hid, id_number


async def shares(platform: Any, units: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    """A village, an entity, a fund, a project funded by it, and poor households (named ``HEAD_NAMES``) holding ``units``."""
    village = await make_village(platform)
    entity = await make_entity(platform, villages=[village])
    allocation = await make_allocation(platform, await make_fund(platform), village)
    project = await post(platform, "/projects", project_body(village, entity, [{"allocation_id": allocation, "amount_fen": 5_000_000}]))
    households, ids = [], []
    for n, name in zip(units, HEAD_NAMES, strict=False):
        hid, id_number = await household(platform, village, name)
        await post(platform, f"/projects/{project['id']}/shares", {"household_id": hid, "units": n, "contribution": "funds"})
        households.append(hid)
        ids.append(id_number)
    return {"village": village, "entity": entity, "allocation": allocation, "project": project["id"], "households": households, "id_numbers": ids}


def cadre(platform: Any, village: str, who: str = "b") -> dict[str, str]:
    return platform.as_("village_cadre", village, subject=f"cadre-{who}-{village}")


async def approved(platform: Any, s: dict[str, Any], *, total_fen: int = 300_000, period: str = "2026") -> dict[str, Any]:
    """Propose (as the city admin) and approve (as the village's cadre) a distribution of the project's profit."""
    d = await post(platform, "/distributions", {"project_id": s["project"], "period": period, "total_fen": total_fen, "paid_on": "2026-12-31"})
    return await post(platform, f"/distributions/{d['id']}/approve", {}, headers=cadre(platform, s["village"]), expect=200)


async def notice_of(platform: Any, distribution_id: str, *, status: str | None = None) -> dict[str, Any]:
    """The distribution's notice once oversight has opened it (and, with ``status``, once it is in that state)."""

    async def check() -> dict[str, Any]:
        r = await platform.client.get(f"{OV}/notices", params={"subject_id": distribution_id}, headers=platform.admin)
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert len(items) == 1, items
        if status is not None:
            assert items[0]["status"] == status, items[0]
        return items[0]

    return await eventually(check)


def advance(platform: Any, delta: timedelta) -> None:
    """Move the oversight service's clock (the sweeper then closes what is due): a week passes without waiting one."""
    clock_of(platform.context("oversight")).advance(delta)


def back_to_now(platform: Any) -> None:
    """The clock back at the wall clock, the time funds stamps an approval with (a new notice's week starts now)."""
    clock_of(platform.context("oversight")).reset()


async def income_lines(platform: Any, household_id: str) -> list[dict[str, Any]]:
    r = await platform.client.get(f"/funds/v1/households/{household_id}/income-lines", headers=platform.admin)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def object_to(platform: Any, code: str, **body: Any) -> dict[str, Any]:
    r = await platform.client.post(f"{OV}/public/notices/{code}/objections", json={"category": "share", "summary": "我家股数不对"} | body)
    assert r.status_code == 201, r.text
    return r.json()


async def decide(platform: Any, case_id: str, outcome: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    h = headers or platform.admin
    r = await platform.client.post(f"{OV}/cases/{case_id}/investigate", json={"note": "已受理，入户核实"}, headers=h)
    assert r.status_code == 200, r.text
    r = await platform.client.post(f"{OV}/cases/{case_id}/resolve", json={"outcome": outcome, "reason": f"经核实：{outcome}"}, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


async def transferred_land(platform: Any, *, household_bp: int = 7000) -> dict[str, Any]:
    """A poor household (head 林建国) whose land an entity farms under a transfer: policy income on it splits by ``household_bp`` (R15)."""
    village = await make_village(platform)
    entity = await make_entity(platform, villages=[village])
    hid, _ = await household(platform, village, HEAD_NAMES[0])
    transfer = await post(platform, "/land-transfers", land(hid, entity, policy_income_household_bp=household_bp))
    return {"village": village, "entity": entity, "household": hid, "transfer": transfer["id"]}


async def subsidy(platform: Any, s: dict[str, Any], *, total_fen: int = 10_000, name: str = "耕地地力保护补贴") -> dict[str, Any]:
    """Policy income on the transferred land (R15), recorded by the village's cadre."""
    body = {"household_id": s["household"], "name": name, "total_fen": total_fen, "paid_on": "2026-06-30", "land_transfer_id": s["transfer"]}
    return await post(platform, "/subsidies", body, headers=cadre(platform, s["village"]))


async def notices_about(platform: Any, subject_id: str, *, kind: str | None = None, count: int = 1) -> list[dict[str, Any]]:
    """The notices about a subject (a household has one per registry entry or exit), once oversight has opened ``count``, oldest first."""

    async def check() -> list[dict[str, Any]]:
        r = await platform.client.get(f"{OV}/notices", params={"subject_id": subject_id, "limit": 50}, headers=platform.admin)
        assert r.status_code == 200, r.text
        items = [n for n in r.json()["items"] if kind is None or n["kind"] == kind]
        assert len(items) == count, items
        return sorted(items, key=lambda n: n["opened_at"])

    return await eventually(check)


async def withdrawn(platform: Any, path: str, subject_id: str, reason: str) -> dict[str, Any]:
    """Withdraw a held distribution or subsidy (``path``: distributions, subsidies) — the correction — and its superseded notice."""
    r = await platform.client.post(f"/funds/v1/{path}/{subject_id}/withdraw", json={"reason": reason}, headers=keyed(platform.admin))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "withdrawn" and r.json()["release"] == "cancelled"  # the money never went
    superseded = await notice_of(platform, subject_id, status="superseded")
    assert "撤回" in superseded["superseded_reason"]
    return superseded

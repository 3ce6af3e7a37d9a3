"""The national income categories (issue #17 item 3): every household's six types in 工资性 / 经营净 / 财产净 / 转移净,
summing to the six-type total; production costs make business income net, and a figure says net or gross."""

from __future__ import annotations

from datetime import date

from services.ledger.categories.domain import CATEGORY_OF, categorise
from shared.events.income import BENEFIT_TYPES, BenefitType
from shared.ids import new_id
from tests.helpers import eventually, village_code
from tests.ledger.support import append, household, income, village

B = BenefitType
COUNTY = "440281"  # 乐昌市


def test_every_benefit_type_has_one_category_and_only_business_bears_costs():
    assert set(CATEGORY_OF) == set(BENEFIT_TYPES)
    figures = categorise(dict.fromkeys(BENEFIT_TYPES, 100), costs_fen=30)
    assert {k: f.gross_fen for k, f in figures.items()} == {"wage": 100, "business": 200, "property": 200, "transfer": 100}
    assert figures["business"].net_fen == 170 and figures["business"].basis == "net"
    assert all(f.basis == "gross" and f.net_fen == f.gross_fen for k, f in figures.items() if k != "business")


async def test_the_categories_sum_to_the_six_type_total_for_every_household_and_costs_make_business_net(platform):
    code = village_code(COUNTY)
    homes = [household(code, members=1 + i) for i in range(7)]
    lines = []
    for i, h in enumerate(homes):
        for j, benefit in enumerate(B):
            if (i + j) % 3:
                lines.append(income(h, benefit, 1000 * (i + 1) + 17 * j, date(2026, 1 + j, 3)))
    lines.append(income(homes[0], B.order_production, -500, date(2026, 6, 1)))  # a reversal subtracts
    await append(platform, village(code), *homes, *lines)

    async def categories(h) -> dict:
        r = await platform.client.get(f"/ledger/v1/households/{h.household_id}/income/categories", params={"year": 2026}, headers=platform.admin)
        assert r.status_code == 200, r.text
        income_r = await platform.client.get(f"/ledger/v1/households/{h.household_id}/income", params={"year": 2026}, headers=platform.admin)
        body = r.json()
        assert body["by_type"] == income_r.json()["by_type"] and body["total_fen"] == income_r.json()["total_fen"]
        return body

    async def booked() -> None:
        for h in homes:
            total = sum(line.income.amount_fen for line in lines if line.income.household_id == h.household_id)  # type: ignore[attr-defined]
            assert (await categories(h))["total_fen"] == total

    await eventually(booked)
    # Costs are recorded against households the ledger knows (distributed: once it has consumed them).
    cadre = platform.as_("village_cadre", code, subject="cadre-cost")
    r = await platform.client.post(
        f"/ledger/v1/households/{homes[1].household_id}/production-costs",
        json={"amount_fen": 700, "occurred_on": "2026-03-01", "item": "肥料"},
        headers=cadre | {"Idempotency-Key": new_id()},
    )
    assert r.status_code == 201, r.text
    cost = r.json()["cost_id"]
    r = await platform.client.post(
        f"/ledger/v1/households/{homes[2].household_id}/production-costs", json={"amount_fen": 300, "occurred_on": "2026-03-01", "item": "种苗"}, headers=cadre
    )
    assert r.status_code == 428, r.text  # a money write needs an Idempotency-Key
    for h in homes:
        body = await categories(h)
        assert sum(f["gross_fen"] for f in body["categories"].values()) == body["total_fen"] > 0
        for category in ("wage", "business", "property", "transfer"):
            assert body["categories"][category]["gross_fen"] == sum(v for k, v in body["by_type"].items() if CATEGORY_OF[k] == category)
    costed = await categories(homes[1])
    business = costed["categories"]["business"]
    assert business["costs_fen"] == 700 and business["net_fen"] == business["gross_fen"] - 700 and business["basis"] == "net"
    assert costed["net_total_fen"] == costed["total_fen"] - 700
    assert (await categories(homes[3]))["categories"]["business"]["basis"] == "gross"

    r = await platform.client.post(f"/ledger/v1/production-costs/{cost}/reversal", headers=cadre | {"Idempotency-Key": new_id()})
    assert r.status_code == 201 and r.json()["amount_fen"] == -700, r.text
    r = await platform.client.post(f"/ledger/v1/production-costs/{cost}/reversal", headers=cadre | {"Idempotency-Key": new_id()})
    assert r.status_code == 409, r.text
    assert (await categories(homes[1]))["categories"]["business"]["costs_fen"] == 0
    elsewhere = platform.as_("village_cadre", village_code(COUNTY), subject="cadre-x")
    r = await platform.client.post(
        f"/ledger/v1/households/{homes[1].household_id}/production-costs",
        json={"amount_fen": 1, "occurred_on": "2026-03-01", "item": "x"},
        headers=elsewhere | {"Idempotency-Key": new_id()},
    )
    assert r.status_code == 404, r.text

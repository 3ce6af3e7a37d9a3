"""Land transfer (R15, R16), lease-back (R14), policy income (R15) and microcredit (R11): each pays a household income line."""

from __future__ import annotations

from tests.funds.support import V1, keyed, ledger_income, make_entity, make_household, make_village, post, problem
from tests.helpers import eventually

TERMS = {"prevention": "购买农业保险，修建排涝设施", "handling": "灾害损失由保险赔付，不足部分由企业承担，不向农户追偿"}


async def _household_and_entity(platform):
    village = await make_village(platform)
    return village, await make_household(platform, village), await make_entity(platform, villages=[village])


def land(hid: str, entity: str, **kw):
    return {
        "household_id": hid,
        "entity_id": entity,
        "plot": "三组12号",
        "area_tenth_mu": 35,
        "start_on": "2026-03-01",
        "end_on": "2036-02-28",
        "annual_rent_fen": 210_000,
        "policy_income_household_bp": 7000,
    } | kw


async def test_r16_land_rent_is_asset_income_for_the_household(platform):
    village, hid, entity = await _household_and_entity(platform)
    transfer = await post(platform, "/land-transfers", land(hid, entity))
    operator = platform.as_("entity_operator", entity, subject="op-land")
    line = await post(
        platform, f"/land-transfers/{transfer['id']}/rent-payments", {"period": "2026", "amount_fen": 210_000, "paid_on": "2026-12-20"}, headers=operator
    )
    assert line["benefit_type"] == "asset_income" and line["lineage"] == {"land_transfer_id": transfer["id"], "entity_id": entity}

    async def booked():
        assert (await ledger_income(platform, hid))["by_type"]["asset_income"] == 210_000

    await eventually(booked)


async def test_r15_land_transfer_without_a_policy_income_ratio_is_refused(platform):
    _, hid, entity = await _household_and_entity(platform)
    body = land(hid, entity)
    del body["policy_income_household_bp"]
    problem(await platform.client.post(f"{V1}/land-transfers", json=body, headers=keyed(platform.admin)), 422, rule="R15", field="policy_income_household_bp")


async def test_r15_policy_income_on_transferred_land_is_split_by_the_agreed_ratio(platform):
    _, hid, entity = await _household_and_entity(platform)
    transfer = await post(platform, "/land-transfers", land(hid, entity, as_shares=True, policy_income_household_bp=7000))
    s = await post(
        platform,
        "/subsidies",
        {"household_id": hid, "name": "耕地地力保护补贴", "total_fen": 10_001, "paid_on": "2026-06-30", "land_transfer_id": transfer["id"]},
    )
    assert s["household_fen"] == 7_001 and s["entity_fen"] == 3_000  # the household's part rounds up
    await post(platform, "/subsidies", {"household_id": hid, "name": "产业奖补", "total_fen": 5_000, "paid_on": "2026-07-01"})

    async def booked():
        assert (await ledger_income(platform, hid))["by_type"]["policy_support"] == 12_001

    await eventually(booked)


async def test_r14_lease_back_without_disaster_risk_terms_is_refused(platform):
    _, hid, entity = await _household_and_entity(platform)
    body = {"entity_id": entity, "household_id": hid, "base_name": "蔬菜基地3号棚", "area_tenth_mu": 20, "start_on": "2026-03-01", "end_on": "2028-02-29"}
    problem(await platform.client.post(f"{V1}/lease-backs", json=body, headers=keyed(platform.admin)), 422, rule="R14", field="disaster_terms.prevention")
    half = body | {"disaster_terms": {"prevention": TERMS["prevention"], "handling": "  "}}
    assert problem(await platform.client.post(f"{V1}/lease-backs", json=half, headers=keyed(platform.admin)), 422, rule="R14")["missing"] == ["handling"]


async def test_r14_lease_back_income_is_booked_as_lease_back(platform):
    _, hid, entity = await _household_and_entity(platform)
    body = {
        "entity_id": entity,
        "household_id": hid,
        "base_name": "蔬菜基地3号棚",
        "area_tenth_mu": 20,
        "start_on": "2026-03-01",
        "end_on": "2028-02-29",
        "disaster_terms": TERMS,
    }
    lb = await post(platform, "/lease-backs", body)
    assert lb["disaster_terms"] == TERMS
    line = await post(platform, f"/lease-backs/{lb['id']}/income-payments", {"period": "2026-Q3", "amount_fen": 88_000, "paid_on": "2026-09-30"})
    assert line["benefit_type"] == "lease_back" and line["lineage"]["lease_back_id"] == lb["id"]

    async def booked():
        assert (await ledger_income(platform, hid))["by_type"]["lease_back"] == 88_000

    await eventually(booked)


def loan(hid: str, **kw):
    return {
        "household_id": hid,
        "bank": "广东省农村信用社",
        "principal_fen": 5_000_000,
        "term_months": 36,
        "annual_rate_bp": 435,
        "interest_subsidy_bp": 435,
        "granted_on": "2026-03-01",
        "use": "household_use",
    } | kw


async def test_r11_entrusted_loan_without_the_entitys_poverty_responsibility_is_refused(platform):
    _, hid, entity = await _household_and_entity(platform)
    problem(
        await platform.client.post(f"{V1}/loans", json=loan(hid, use="entrusted", entity_id=entity), headers=keyed(platform.admin)),
        422,
        rule="R11",
        field="poverty_responsibility",
    )
    no_return = loan(hid, use="entrusted", entity_id=entity, poverty_responsibility="代养生猪，带动脱贫")
    problem(await platform.client.post(f"{V1}/loans", json=no_return, headers=keyed(platform.admin)), 422, rule="R11", field="guaranteed_return_fen_per_year")
    problem(await platform.client.post(f"{V1}/loans", json=loan(hid, use="entrusted"), headers=keyed(platform.admin)), 422, rule="R11", field="entity_id")
    listed = (await platform.client.get(f"{V1}/loans", headers=platform.admin, params={"limit": 500})).json()["items"]
    assert all(item["household_id"] != hid for item in listed)


async def test_r11_entrusted_loan_returns_are_equity_dividend_and_repayments_track_the_balance(platform):
    _, hid, entity = await _household_and_entity(platform)
    granted = await post(
        platform,
        "/loans",
        loan(hid, use="entrusted", entity_id=entity, poverty_responsibility="代养生猪，每年保底分红4000元", guaranteed_return_fen_per_year=400_000),
    )
    operator = platform.as_("entity_operator", entity, subject="op-loan")
    line = await post(platform, f"/loans/{granted['id']}/returns", {"amount_fen": 400_000, "paid_on": "2026-12-31"}, headers=operator)
    assert line["benefit_type"] == "equity_dividend" and line["lineage"] == {"loan_id": granted["id"], "entity_id": entity}
    after = await post(platform, f"/loans/{granted['id']}/repayments", {"amount_fen": 1_000_000, "paid_on": "2027-03-01"})
    assert after["outstanding_fen"] == 4_000_000
    problem(
        await platform.client.post(
            f"{V1}/loans/{granted['id']}/repayments", json={"amount_fen": 4_000_001, "paid_on": "2027-04-01"}, headers=keyed(platform.admin)
        ),
        422,
        field="amount_fen",
    )
    overdue = await post(platform, f"/loans/{granted['id']}/overdue", {"overdue_since": "2029-03-02"}, expect=200)
    assert overdue["overdue_since"] == "2029-03-02"
    problem(
        await platform.client.post(f"{V1}/loans/{granted['id']}/repayments", json={"amount_fen": 1, "paid_on": "2026-01-01"}, headers=keyed(platform.admin)),
        422,
        field="paid_on",
    )

    async def booked():
        assert (await ledger_income(platform, hid))["by_type"]["equity_dividend"] == 400_000

    await eventually(booked)


async def test_a_household_own_use_loan_pays_no_entity_returns(platform):
    _, hid, _ = await _household_and_entity(platform)
    granted = await post(platform, "/loans", loan(hid))
    assert granted["entity_id"] is None and granted["outstanding_fen"] == 5_000_000
    problem(
        await platform.client.post(f"{V1}/loans/{granted['id']}/returns", json={"amount_fen": 1, "paid_on": "2026-12-31"}, headers=keyed(platform.admin)),
        422,
        field="loan_id",
    )

"""Land transfers, lease-backs and subsidies read back: one by id and in pages, within the reader's scope."""

from __future__ import annotations

from tests.funds.support import V1, make_entity, make_household, make_village, post

TERMS = {"prevention": "购买农业保险，修建排涝设施", "handling": "灾害损失由保险赔付，不足部分由企业承担，不向农户追偿"}


async def _agreements(platform):
    village = await make_village(platform)
    household = await make_household(platform, village)
    entity = await make_entity(platform, villages=[village])
    transfer = await post(
        platform,
        "/land-transfers",
        {
            "household_id": household,
            "entity_id": entity,
            "plot": "三组12号",
            "area_tenth_mu": 35,
            "start_on": "2026-03-01",
            "end_on": "2036-02-28",
            "annual_rent_fen": 210_000,
            "policy_income_household_bp": 7000,
        },
    )
    lease_back = await post(
        platform,
        "/lease-backs",
        {
            "entity_id": entity,
            "household_id": household,
            "base_name": "蔬菜基地3号棚",
            "area_tenth_mu": 20,
            "start_on": "2026-03-01",
            "end_on": "2028-02-29",
            "disaster_terms": TERMS,
            "agreed_income_fen_per_year": 300_000,
        },
    )
    subsidy = await post(
        platform,
        "/subsidies",
        {"household_id": household, "name": "耕地地力保护补贴", "total_fen": 10_000, "paid_on": "2026-06-30", "land_transfer_id": transfer["id"]},
    )
    return village, entity, {"land-transfers": transfer, "lease-backs": lease_back, "subsidies": subsidy}


async def _all(platform, path: str, headers) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": 500} | ({"cursor": cursor} if cursor else {})
        r = await platform.client.get(f"{V1}/{path}", params=params, headers=headers)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items


async def test_each_agreement_reads_back_as_it_was_answered_when_written(platform):
    village, _, written = await _agreements(platform)
    cadre = platform.as_("village_cadre", village)
    for path, body in written.items():
        r = await platform.client.get(f"{V1}/{path}/{body['id']}", headers=cadre)
        assert r.status_code == 200, r.text
        assert r.json() == body, path
        assert body["id"] in {item["id"] for item in await _all(platform, path, cadre)}, path
    assert written["subsidies"]["household_fen"] == 7_000 and written["subsidies"]["entity_fen"] == 3_000  # R15 split, read back
    assert written["lease-backs"]["disaster_terms"] == TERMS


async def test_agreements_outside_the_readers_scope_are_not_found_and_not_listed(platform):
    village, entity, written = await _agreements(platform)
    elsewhere = platform.as_("village_cadre", await make_village(platform))
    for path, body in written.items():
        r = await platform.client.get(f"{V1}/{path}/{body['id']}", headers=elsewhere)
        assert r.status_code == 404, (path, r.text)
        assert body["id"] not in {item["id"] for item in await _all(platform, path, elsewhere)}, path
    operator = platform.as_("entity_operator", entity)
    for path in ("land-transfers", "lease-backs"):  # the entity's own agreements, for its operator
        assert (await platform.client.get(f"{V1}/{path}/{written[path]['id']}", headers=operator)).status_code == 200
        assert [item["id"] for item in await _all(platform, path, operator)] == [written[path]["id"]]
    assert (await platform.client.get(f"{V1}/subsidies/{written['subsidies']['id']}", headers=operator)).status_code == 404


async def test_agreement_lists_refuse_an_unknown_query_parameter(platform):
    for path in ("land-transfers", "lease-backs", "subsidies"):
        r = await platform.client.get(f"{V1}/{path}", params={"limt": 5}, headers=platform.admin)
        assert r.status_code == 422, (path, r.text)

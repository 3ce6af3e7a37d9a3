"""Household income statements (收益明白卡, issue #16 item 3): lines with lineage and clause, totals equal to the
ledger's household income, a printed card that reads in Chinese and whose QR code leads to a check against the log."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from services.ledger import proofs
from services.ledger.statements import verify
from shared.events.income import BenefitType, Lineage
from shared.ids import new_id
from tests.helpers import eventually, village_code
from tests.ledger.support import append, fact, household, income, member, village
from tests.printed import A4_AT_100_DPI, cjk_characters, ink, look

B = BenefitType
YEAR = 2026
COUNTY = "440229"  # 翁源县


def head(h: Any, name: str) -> Any:
    return member(h).model_copy(update={"name": name, "relation": "head"})


async def _household_with_a_year(platform: Any, code: str | None = None, *, name: str = "林某国", lines: int = 1) -> tuple[Any, dict[str, Any]]:
    """A household of four with dividends from a named cooperative, wages, a subsidy, a reversal and last year's line."""
    code = code or village_code(COUNTY)
    h = household(code, members=4)
    entity, project = new_id(), new_id()
    await append(platform, village(code), h, head(h, name))
    await append(
        platform,
        fact("fupin.funds.entity_registered.v1", entity_id=entity, name="翁源县兰花种植专业合作社", county_code=COUNTY),
        fact("fupin.funds.project_registered.v1", project_id=project, name="兰花基地三权分置项目"),
    )
    behind = Lineage(entity_id=entity, project_id=project, fund_id=new_id())
    first = income(h, B.equity_dividend, 123457, date(YEAR, 6, 30), lineage=behind)
    facts = [first, income(h, B.wage_labor, 250001, date(YEAR, 3, 15)), income(h, B.policy_support, 9999, date(YEAR, 9, 1))]
    facts += [income(h, B.wage_labor, 10000 + i, date(YEAR, 4, 1 + i % 28)) for i in range(lines - 1)]
    facts += [income(h, B.asset_income, 777, date(YEAR - 1, 12, 31))]  # another year: not on the card
    await append(platform, *facts)

    async def dividend() -> str:
        r = await platform.client.get(f"/ledger/v1/households/{h.household_id}/income/entries", params={"year": YEAR}, headers=platform.admin)
        assert r.status_code == 200, r.text  # 404 until the ledger knows the household
        found = [e["event_id"] for e in r.json()["items"] if e["amount_fen"] == 123457]
        assert found
        return found[0]

    reversed_ = await eventually(dividend)
    await append(platform, income(h, B.equity_dividend, -3457, date(YEAR, 7, 2), reverses=reversed_, lineage=behind))
    return h, {"lines": len(facts), "entity": entity, "project": project, "reversed": reversed_}


async def _statement(platform: Any, h: Any, lines: int, headers: dict[str, str] | None = None) -> dict[str, Any]:
    async def settled() -> dict[str, Any]:
        r = await platform.client.get(f"/ledger/v1/statements/households/{h.household_id}", params={"year": YEAR}, headers=headers or platform.admin)
        assert r.status_code == 200, r.text
        assert len(r.json()["lines"]) == lines
        return r.json()

    return await eventually(settled)


async def _sign(platform: Any) -> None:
    await proofs.sign_checkpoints(proofs.trees_of(platform.context("ledger")))


def _path(url: str) -> str:
    """The JSON check of the page a card's QR code leads to (the same query)."""
    parts = urlsplit(url)
    assert parts.path == "/ledger/v1/public/statements/verify/page", url
    return f"/ledger/v1/public/statements/verify?{parts.query}"


async def test_a_statement_lists_each_line_with_its_lineage_and_clause_and_equals_the_household_income(platform):
    h, expected = await _household_with_a_year(platform)
    s = await _statement(platform, h, expected["lines"])
    income_ = (await platform.client.get(f"/ledger/v1/households/{h.household_id}/income", params={"year": YEAR}, headers=platform.admin)).json()
    for key in ("by_type", "total_fen", "household_size", "per_capita_fen"):
        assert s[key] == income_[key], key
    assert s["total_fen"] == 123457 + 250001 + 9999 - 3457 and s["household_size"] == 4 and s["per_capita_fen"] == s["total_fen"] // 4
    assert sum(line["amount_fen"] for line in s["lines"]) == s["total_fen"]
    assert [line["occurred_on"] for line in s["lines"]] == sorted(line["occurred_on"] for line in s["lines"])
    assert s["head_name"] == "林某国" and s["county_name"] == "翁源县" and s["village_name"] == "测试村"
    dividend = next(line for line in s["lines"] if line["amount_fen"] == 123457)
    assert (dividend["benefit_name"], dividend["clause"], dividend["rule"]) == ("入股分红收益", "§5.6", "R17")
    names = {b["kind"]: b["name"] for b in dividend["behind"]}
    assert names["entity"] == "翁源县兰花种植专业合作社" and names["project"] == "兰花基地三权分置项目" and names["fund"] is None
    assert [b["kind"] for b in dividend["behind"]] == ["entity", "project", "fund"]
    reversal = next(line for line in s["lines"] if line["amount_fen"] < 0)
    assert reversal["reverses_event_id"] == expected["reversed"]
    assert {line["clause"] for line in s["lines"]} == {"§5.6", "§5.2", "§5.4"}
    assert s["verify_url"].startswith("http://fupin.test/ledger/v1/public/statements/verify/page?") and s["digest"] in s["verify_url"]
    # As the ledger knew it before any of it: nothing, like the income endpoint's as_of.
    early = await platform.client.get(
        f"/ledger/v1/statements/households/{h.household_id}", params={"year": YEAR, "as_of": "2020-01-01"}, headers=platform.admin
    )
    assert early.status_code == 200 and early.json()["lines"] == [] and early.json()["total_fen"] == 0 and early.json()["known_at"] is None


async def test_the_printed_card_reads_in_chinese_on_one_a4_page_and_its_qr_code_is_the_verify_url(platform):
    h, expected = await _household_with_a_year(platform)
    s = await _statement(platform, h, expected["lines"])
    r = await platform.client.get(f"/ledger/v1/statements/households/{h.household_id}/pdf", params={"year": YEAR}, headers=platform.admin)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    card = await look(r.content)
    assert card.pages == 1
    assert card.images[1].size == A4_AT_100_DPI and ink(card.images[1]) > 0.01
    compact = card.compact(1)
    assert "家庭收益明白卡" in compact and "林某国" in compact and h.household_number in compact and "翁源县兰花种植专业合作社" in compact
    assert "1,234.57" in compact and "-34.57" in compact and "3,800.00" in compact  # a line, the reversal, the total (yuan, exact to the fen)
    assert s["verification_code"] in compact and cjk_characters(card.texts[0]) > 100
    assert card.codes[1] == [s["verify_url"]]


async def test_the_qr_code_leads_to_a_public_check_of_every_line_against_the_signed_log(platform):
    h, expected = await _household_with_a_year(platform)
    s = await _statement(platform, h, expected["lines"])
    url = _path(s["verify_url"])
    pending = (await platform.client.get(url)).json()  # no credentials: whoever holds the card
    assert pending["verdict"] in ("pending_checkpoint", "verified") and all(
        c["in_log"] and c["event_hash_ok"] and c["income_matches"] for c in pending["lines"]
    )
    await _sign(platform)
    r = await platform.client.get(url)
    assert r.status_code == 200, r.text
    check = r.json()
    assert check["verdict"] == "verified", check
    assert [c["event_id"] for c in check["lines"]] == [line["event_id"] for line in s["lines"]]
    assert all(c["included"] is True and c["tree_size"] > c["leaf_index"] for c in check["lines"])
    assert check["total_fen"] == s["total_fen"] and check["later_lines"] == 0 and set(check["checkpoints"]) == {line["source"] for line in s["lines"]}
    # The page the QR code itself leads to says the same, in Chinese, to a phone.
    html = await platform.client.get(urlsplit(s["verify_url"]).path, params=dict(parse_qsl(urlsplit(s["verify_url"]).query)))
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "核验通过" in html.text and s["lines"][0]["event_id"] in html.text and "✘" not in html.text
    # A line recorded after printing leaves the card true but out of date.
    await append(platform, income(h, B.wage_labor, 500, date(YEAR, 11, 1)))
    await _statement(platform, h, expected["lines"] + 1)
    later = (await platform.client.get(url)).json()
    assert later["verdict"] == "verified" and later["later_lines"] == 1 and len(later["lines"]) == expected["lines"]


async def test_a_card_with_another_digest_is_not_matching_and_shows_nothing(platform):
    h, expected = await _household_with_a_year(platform)
    s = await _statement(platform, h, expected["lines"])
    forged = s["verify_url"].replace(s["digest"], "0" * 32)
    for url in (forged, s["verify_url"].replace(h.household_id, new_id())):
        check = (await platform.client.get(_path(url))).json()
        assert check["verdict"] == "not_matching" and check["lines"] == [] and check["total_fen"] is None
        page = await platform.client.get(_path(url).replace("/verify?", "/verify/page?"))
        assert "与台账不符" in page.text and h.household_number not in page.text
    bad = await platform.client.get("/ledger/v1/public/statements/verify", params={"household": h.household_id, "year": YEAR, "digest": "xyz"})
    assert bad.status_code == 422 and bad.json()["field"] == "digest"


async def test_a_line_whose_logged_event_was_altered_or_whose_proof_fails_makes_the_check_fail(platform, monkeypatch):
    h, expected = await _household_with_a_year(platform)
    s = await _statement(platform, h, expected["lines"])
    await _sign(platform)
    url = _path(s["verify_url"])
    real_find, real_inclusion = proofs.find_event, proofs.inclusion

    async def altered(trees: Any, event_id: str) -> Any:
        source, index, envelope = await real_find(trees, event_id)
        data = dict(envelope["data"])
        data["income"] = {**data["income"], "amount_fen": data["income"]["amount_fen"] + 100}  # its recorded hash is kept
        return source, index, {**envelope, "data": data}

    monkeypatch.setattr(verify.proofs, "find_event", altered)
    check = (await platform.client.get(url)).json()
    assert check["verdict"] == "failed" and not any(c["event_hash_ok"] or c["income_matches"] for c in check["lines"])
    monkeypatch.setattr(verify.proofs, "find_event", real_find)

    async def forged_path(trees: Any, event_id: str, tree_size: int | None = None) -> Any:
        proof = await real_inclusion(trees, event_id, tree_size)
        path = [base64.b64encode(bytes(32)).decode()] + proof["inclusion_path"][1:]
        return {**proof, "inclusion_path": path}

    monkeypatch.setattr(verify.proofs, "inclusion", forged_path)
    check = (await platform.client.get(url)).json()
    assert check["verdict"] == "failed" and any(c["included"] is False for c in check["lines"])


async def test_statements_are_scoped_like_the_ledgers_household_reads(platform):
    code = village_code(COUNTY)
    h, expected = await _household_with_a_year(platform, code)
    await _statement(platform, h, expected["lines"], headers=platform.as_("village_cadre", code))
    for headers in (platform.as_("county_officer", "440232"), platform.as_("village_cadre", village_code(COUNTY))):
        for suffix in ("", "/pdf"):
            r = await platform.client.get(f"/ledger/v1/statements/households/{h.household_id}{suffix}", params={"year": YEAR}, headers=headers)
            assert r.status_code == 404, r.text
        r = await platform.client.get(f"/ledger/v1/statements/villages/{code}/pdf", params={"year": YEAR}, headers=headers)
        assert r.status_code == 404, r.text
    assert (await platform.client.get(f"/ledger/v1/statements/households/{h.household_id}", params={"year": YEAR})).status_code == 401


async def test_a_village_prints_one_card_a_household_in_one_pdf_paged_by_cursor(platform):
    code = village_code(COUNTY)
    homes = []
    for i in range(3):
        h, expected = await _household_with_a_year(platform, code, name=f"邓某{i}")
        homes.append((h, expected, f"邓某{i}"))
    for h, expected, _ in homes:
        await _statement(platform, h, expected["lines"])
    cadre = platform.as_("village_cadre", code)
    url = f"/ledger/v1/statements/villages/{code}/pdf"
    r = await platform.client.get(url, params={"year": YEAR}, headers=cadre)
    assert r.status_code == 200, r.text
    assert "x-next-cursor" not in r.headers
    cards = await look(r.content, images=())
    assert cards.pages == 3
    ordered = sorted(homes, key=lambda p: p[0].household_id)
    for page, (h, _, name) in enumerate(ordered, start=1):
        assert h.household_number in cards.compact(page) and name in cards.compact(page) and "第1页/共1页" in cards.compact(page)
    first = await platform.client.get(url, params={"year": YEAR, "limit": 2}, headers=cadre)
    assert (await look(first.content, images=())).pages == 2 and first.headers["x-next-cursor"]
    rest = await platform.client.get(url, params={"year": YEAR, "limit": 2, "cursor": first.headers["x-next-cursor"]}, headers=cadre)
    last = await look(rest.content, images=())
    assert last.pages == 1 and ordered[2][0].household_number in last.compact(1)
    assert (await platform.client.get(url, params={"year": YEAR, "limit": 51}, headers=cadre)).status_code == 422


async def test_a_long_year_continues_on_a_second_page_with_its_headings(platform):
    h, expected = await _household_with_a_year(platform, lines=60)
    s = await _statement(platform, h, expected["lines"])
    r = await platform.client.get(f"/ledger/v1/statements/households/{h.household_id}/pdf", params={"year": YEAR}, headers=platform.admin)
    card = await look(r.content)
    assert card.pages >= 2
    last = card.compact(card.pages)
    assert "收益类型" in last and f"第{card.pages}页/共{card.pages}页" in last
    assert card.codes[1] == [s["verify_url"]]

"""The public notice (no sign-in) shows exactly what was posted: masked names, shares, amounts — no identity or phone number."""

from __future__ import annotations

from tests.oversight.support import OV, approved, notice_of, object_to, shares


async def test_the_public_page_shows_masked_names_and_no_identity_or_phone_number(gated):
    s = await shares(gated, units=(1, 2, 3))
    d = await approved(gated, s, total_fen=600_000)
    notice = await notice_of(gated, d["id"], status="open")
    await object_to(gated, notice["code"], name="林建国", phone="13700009999", summary="联系我 13700009999")

    async def fetch(path: str):
        r = await gated.client.get(f"{OV}/public/notices/{notice['code']}{path}")  # no Authorization header
        assert r.status_code == 200, r.text
        return r

    body = (await fetch("")).json()
    html = (await fetch("/page")).text
    assert sorted(line["name"] for line in body["lines"]) == sorted(["林*国", "欧**英", "王*"])
    assert {line["units"]: line["amount_fen"] for line in body["lines"]} == {1: 60_000, 2: 120_000, 3: 180_000}
    assert body["rule"] == "R9" and body["lineage"]["project_id"] == s["project"] and body["gated"] is True
    assert "household_id" not in body["lines"][0] and "id" not in body and "subject_id" not in body
    [objection] = body["objections"]  # its result is published; its complainant and text are not
    assert objection["category_zh"] == "股份份额" and objection["status"] == "received" and set(objection) == {
        "category", "category_zh", "status", "raised_on", "resolution_reason", "resolved_on"
    }  # fmt: skip
    for text in (str(body), html):
        assert "林建国" not in text and "欧阳秀英" not in text and "王芳" not in text
        assert "13812345678" not in text and "13700009999" not in text
        for id_number in s["id_numbers"]:
            assert id_number not in text
    assert "林*国" in html and notice["code"] in html and "公示期 7 天" in html
    # The code as a person types it from paper: lower case, without the dash, O for 0.
    typed = notice["code"].replace("-", "").lower().replace("0", "o")
    assert (await gated.client.get(f"{OV}/public/notices/{typed}")).json()["digest"] == body["digest"]


async def test_an_unknown_code_is_a_404_problem_and_a_malformed_one_a_422(gated):
    r = await gated.client.get(f"{OV}/public/notices/ZZZZ-ZZZZ")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = await gated.client.get(f"{OV}/public/notices/<script>")
    assert r.status_code == 422

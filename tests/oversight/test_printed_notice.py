"""The notice to post in the village: an A4 PDF in Chinese whose QR code opens its public page (issue #16)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.oversight.support import OV, approved, notice_of, shares
from tests.printed import A4_AT_100_DPI, cjk_characters, ink, look, save_png

DOCS = Path(__file__).resolve().parents[2] / "docs" / "oversight"


async def test_the_printed_notice_is_one_a4_page_in_chinese_with_a_qr_code_to_its_public_page(gated):
    s = await shares(gated, units=(1, 2, 3))
    d = await approved(gated, s, total_fen=600_000)
    notice = await notice_of(gated, d["id"], status="open")
    r = await gated.client.get(f"{OV}/public/notices/{notice['code']}/pdf")  # no sign-in, like the page it points to
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    printed = await look(r.content)  # poppler and the decoder off the event loop: the platform's consumers keep their sessions
    assert printed.pages == 1
    image = printed.images[1]
    assert image.size == A4_AT_100_DPI and ink(image) > 0.01
    text = printed.texts[0]
    assert cjk_characters(text) > 50 and "分配公示" in text and notice["code"] in text
    assert "林*国" in text and "欧**英" in text and "林建国" not in text and "1,800.00" in text
    assert all(id_number not in text for id_number in s["id_numbers"]) and "13812345678" not in text
    url = f"http://fupin.test{OV}/public/notices/{notice['code']}/page"
    assert printed.codes[1] == [url]
    assert (await gated.client.get(url)).status_code == 200
    if os.environ.get("FUPIN_SAVE_DOC_IMAGES"):  # refreshes the page shown in docs/oversight.md
        save_png(image, DOCS / "notice.png")


async def test_a_printed_registry_notice_posts_the_households_change_and_no_amount(gated):
    from tests.funds.support import make_village
    from tests.oversight.support import household, notices_about

    hid, id_number = await household(gated, await make_village(gated), "欧阳秀英")
    [notice] = await notices_about(gated, hid, kind="registry_entry")
    r = await gated.client.get(f"{OV}/public/notices/{notice['code']}/pdf")
    assert r.status_code == 200, r.text
    printed = await look(r.content)
    text = printed.texts[0]
    assert printed.pages == 1 and printed.images[1].size == A4_AT_100_DPI
    assert "贫困户识别公示" in text and "欧**英" in text and "识别为建档立卡贫困户" in text and "登记变动已于登记时生效" in text
    assert "欧阳秀英" not in text and id_number not in text and "金额" not in text
    assert printed.codes[1] == [f"http://fupin.test{OV}/public/notices/{notice['code']}/page"]

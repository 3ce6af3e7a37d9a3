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

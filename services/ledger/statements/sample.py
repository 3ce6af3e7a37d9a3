"""A sample card for the documentation: ``python -m services.ledger.statements.sample docs/oversight`` (``make docs`` runs it).

Fixed figures (no database), so the image in ``docs/oversight/statement.png`` changes only when the card's layout
does; it is rendered by poppler's ``pdftoppm`` as the tests render the cards the routes print.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from services.ledger import domain
from services.ledger.statements import document
from services.ledger.statements.schemas import Behind, HouseholdStatement, StatementLine
from services.ledger.statements.service import CLAUSES, verification_code, verify_url
from shared.events.income import BENEFIT_NAMES_ZH, BenefitType

B = BenefitType
HOUSEHOLD = "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f"
ENTITY = Behind(kind="entity", label="经营主体", id="0192f0a4-7c3e-7000-8000-000000000031", name="翁源县兰花种植专业合作社")
PROJECT = Behind(kind="project", label="项目", id="0192f0a4-7c3e-7000-8000-000000000032", name="兰花基地三权分置项目")
FUND = Behind(kind="fund", label="资金", id="0192f0a4-7c3e-7000-8000-000000000010", name="2026 年省级产业扶贫专项资金")
LINES: list[tuple[date, BenefitType, int, list[Behind], str | None]] = [
    (date(2026, 3, 15), B.wage_labor, 250001, [Behind(kind="employment", label="务工", id="0192f0a4-7c3e-7000-8000-000000000041", name=None)], None),
    (date(2026, 5, 20), B.order_production, 186050, [Behind(kind="contract", label="订单合同", id="0192f0a4-7c3e-7000-8000-000000000051", name=None)], None),
    (date(2026, 6, 30), B.equity_dividend, 123457, [ENTITY, PROJECT, FUND], None),
    (date(2026, 7, 2), B.equity_dividend, -3457, [ENTITY, PROJECT, FUND], "0192f0a4-7c3e-7000-8000-00000000a003"),
    (
        date(2026, 9, 1),
        B.policy_support,
        9999,
        [Behind(kind="subsidy", label="补贴", id="0192f0a4-7c3e-7000-8000-000000000061", name="耕地地力保护补贴")],
        None,
    ),
    (date(2026, 10, 8), B.asset_income, 60000, [Behind(kind="asset", label="资产", id="0192f0a4-7c3e-7000-8000-000000000071", name="村光伏电站")], None),
    (
        date(2026, 11, 30),
        B.lease_back,
        88000,
        [Behind(kind="lease_back", label="反租倒包", id="0192f0a4-7c3e-7000-8000-000000000081", name="百香果基地")],
        None,
    ),
]


def sample_statement() -> HouseholdStatement:
    lines = [
        StatementLine(
            event_id=f"0192f0a4-7c3e-7000-8000-00000000a{i:03d}",
            occurred_on=on,
            benefit_type=kind,
            benefit_name=BENEFIT_NAMES_ZH[kind],
            amount_fen=fen,
            clause=CLAUSES[kind][0],
            rule=CLAUSES[kind][1],
            source="market" if kind is B.order_production else "households" if kind is B.wage_labor else "funds",
            event_type="fupin.example.v1",
            behind=behind,
            reverses_event_id=reverses,
        )
        for i, (on, kind, fen, behind, reverses) in enumerate(LINES, start=1)
    ]
    by_type = domain.by_type((line.benefit_type, line.amount_fen) for line in lines)
    total = sum(by_type.values())
    digest = "9f2c6d1e4b7a8c3d2e1f0a9b8c7d6e5f"
    known_at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    return HouseholdStatement(
        household_id=HOUSEHOLD,
        household_number="4402291021010007",
        head_name="林某国",
        village_code="440229102101",
        village_name="示范村",
        county_name="翁源县",
        year=2026,
        known_at=known_at,
        household_size=4,
        lines=lines,
        by_type=by_type,
        total_fen=total,
        per_capita_fen=domain.per_capita(total, 4),
        digest=digest,
        verification_code=verification_code(digest),
        verify_url=verify_url("https://fupin.shaoguan.gov.cn", HOUSEHOLD, 2026, known_at, digest),
    )


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "docs/oversight")
    out.mkdir(parents=True, exist_ok=True)
    pdf = document.render([sample_statement()], printed_at=datetime(2026, 12, 2, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "statement.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", str(src), str(out / "statement")], check=True, timeout=120)
    print(f"{out / 'statement.png'} written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

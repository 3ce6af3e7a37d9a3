"""What the statement routes return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.ledger.schemas import IncomeSourceCode
from shared.events.income import BenefitType

_ID = "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f"
_EVENT = "0192f0a4-7c3e-7000-8000-aaaaaaaaaaaa"
_BY_TYPE: dict[str, Any] = {
    "order_production": 0,
    "wage_labor": 120000,
    "lease_back": 0,
    "policy_support": 0,
    "asset_income": 0,
    "equity_dividend": 45000,
}


# The lineage keys, most telling first (a card has room for the first few), with their Chinese names.
LINEAGE_LABELS: dict[str, str] = {
    "entity": "经营主体",
    "project": "项目",
    "agreement": "合作协议",
    "lease_back": "反租倒包",
    "contract": "订单合同",
    "asset": "资产",
    "subsidy": "补贴",
    "land_transfer": "土地流转",
    "loan": "贷款",
    "employment": "务工",
    "distribution": "分配方案",
    "fund": "资金",
    "allocation": "资金分配",
    "order": "订单",
    "delivery": "交货",
    "payment": "支付",
}
# What a line's ``behind`` names, as an enum (labelled in shared/labels.py's ``kind`` table).
BehindKind = Literal[tuple(LINEAGE_LABELS)]  # type: ignore[valid-type]  # the keys above, as a Literal built at import


class Behind(BaseModel):
    """One thing an income line came from: a fund, entity, project, agreement … by its id and, where the log named it, its name."""

    kind: BehindKind = Field(description="the lineage key without `_id`: fund, entity, project, agreement, asset, contract, lease_back, subsidy …")  # type: ignore[valid-type]  # BehindKind is a Literal built at import
    label: str = Field(description="the kind in Chinese (资金, 经营主体, 项目 …)")
    id: str
    name: str | None = Field(default=None, description="as the producer's registration fact named it; null when the log has no name for it")


class StatementLine(BaseModel):
    event_id: str = Field(description="the fact that paid it: check it against the log (`/ledger/v1/public/statements/verify`)")
    occurred_on: date
    benefit_type: BenefitType
    benefit_name: str = Field(description="the benefit type in Chinese (订单生产收益 …)")
    amount_fen: int = Field(description="integer fen; negative for a reversing entry")
    clause: str = Field(description="the clause of 韶扶组〔2018〕3号 the benefit type is set out in (§5.1 … §5.6)")
    rule: str = Field(description="the rule of docs/DOMAIN.md the benefit type answers to (R12 … R17)")
    source: IncomeSourceCode = Field(description="the service whose log holds the fact")
    event_type: str
    behind: list[Behind] = Field(description="the fund, entity, project, agreement … the line came from (its lineage)")
    reverses_event_id: str | None = None


_STATEMENT_EXAMPLE: dict[str, Any] = {
    "household_id": _ID,
    "household_number": "4402321002010001",
    "head_name": "邓某某",
    "village_code": "440232100201",
    "village_name": "示范村",
    "county_name": "乳源瑶族自治县",
    "year": 2026,
    "as_of": None,
    "known_at": "2026-07-01T02:00:00Z",
    "household_size": 4,
    "lines": [
        {
            "event_id": _EVENT,
            "occurred_on": "2026-06-30",
            "benefit_type": "equity_dividend",
            "benefit_name": "入股分红收益",
            "amount_fen": 45000,
            "clause": "§5.6",
            "rule": "R17",
            "source": "funds",
            "event_type": "fupin.funds.distribution_paid_to_household.v1",
            "behind": [{"kind": "entity", "label": "经营主体", "id": "0192f0a4-7c3e-7000-8000-000000000031", "name": "乳源某某合作社"}],
            "reverses_event_id": None,
        }
    ],
    "by_type": _BY_TYPE,
    "total_fen": 165000,
    "per_capita_fen": 41250,
    "digest": "9f2c6d1e4b7a8c3d2e1f0a9b8c7d6e5f",
    "verification_code": "9F2C-6D1E-4B7A",
    "verify_url": "https://fupin.example/ledger/v1/public/statements/verify/page?household=…&year=2026&known_at=…&digest=…",
}


class HouseholdStatement(BaseModel):
    """A household's year, line by line, as the card prints it."""

    model_config = ConfigDict(json_schema_extra={"examples": [_STATEMENT_EXAMPLE]})

    household_id: str
    household_number: str
    head_name: str | None = Field(description="the head of household (户主) as the ledger names them; null before one is registered")
    village_code: str
    village_name: str | None = None
    county_name: str | None = None
    year: int
    as_of: date | None = Field(default=None, description="the statement as the ledger knew it at the end of this day (UTC), if asked")
    known_at: datetime | None = Field(description="the latest recording time among its lines: the statement holds the lines recorded until then")
    household_size: int = Field(description="members at the end of the year (as the ledger knew them)")
    lines: list[StatementLine] = Field(description="every income line of the year, by date")
    by_type: dict[str, int] = Field(description="the lines summed by each of the six benefit types (zeros included), integer fen")
    total_fen: int
    per_capita_fen: int = Field(description="total_fen // household_size, whole fen rounded down; 0 without members")
    digest: str = Field(description="128 bits (hex) of SHA-256 over the household, the year, known_at and each line's event id, type, date and amount")
    verification_code: str = Field(description="the digest's first 48 bits as printed on the card, for reading out")
    verify_url: str = Field(description="where the card's QR code leads: the page of the check of these lines against the log (without `/page`: JSON)")


Verdict = Literal["verified", "pending_checkpoint", "failed", "not_matching"]


class LineCheck(BaseModel):
    event_id: str
    benefit_type: BenefitType
    occurred_on: date
    amount_fen: int
    source: IncomeSourceCode
    in_log: bool = Field(description="the event is in its source's log")
    event_hash_ok: bool | None = Field(default=None, description="the event's content hashes to its recorded hash (not altered)")
    income_matches: bool | None = Field(default=None, description="the event's income line names this household, type, date and amount")
    included: bool | None = Field(
        default=None, description="an inclusion proof of the event verifies against the latest signed checkpoint; null when no checkpoint covers it yet"
    )
    leaf_index: int | None = None
    tree_size: int | None = Field(default=None, description="the checkpoint the proof is against")


class StatementCheck(BaseModel):
    """The verification page of a printed card: only what the card itself shows, and whether the log bears it out."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "verdict": "verified",
                    "message": "本卡所列收益与台账一致，每笔均在签名日志中。",
                    "household_id": _ID,
                    "year": 2026,
                    "known_at": "2026-07-01T02:00:00Z",
                    "total_fen": 45000,
                    "lines": [
                        {
                            "event_id": _EVENT,
                            "benefit_type": "equity_dividend",
                            "occurred_on": "2026-06-30",
                            "amount_fen": 45000,
                            "source": "funds",
                            "in_log": True,
                            "event_hash_ok": True,
                            "income_matches": True,
                            "included": True,
                            "leaf_index": 41,
                            "tree_size": 120,
                        }
                    ],
                    "checkpoints": {"funds": 120},
                    "later_lines": 0,
                }
            ]
        }
    )

    verdict: Verdict = Field(
        description="verified: every line is in the log and proven in a signed checkpoint; pending_checkpoint: all in the log, some not yet "
        "covered by a checkpoint; failed: a line is missing from the log, altered or does not match; not_matching: no statement of "
        "the ledger has this digest (the card was altered, or is not this platform's) — nothing else is shown then"
    )
    message: str = Field(description="the verdict in Chinese, for the person who scanned the code")
    household_id: str
    year: int
    known_at: datetime | None = None
    total_fen: int | None = None
    lines: list[LineCheck] = Field(default_factory=list)
    checkpoints: dict[str, int] = Field(default_factory=dict, description="per source, the size of the signed checkpoint the proofs are against")
    later_lines: int | None = Field(default=None, description="lines of the same year the ledger recorded after the card was printed")

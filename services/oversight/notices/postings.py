"""What each kind of notice posts, read off the fact that asks for it: one ``Posting`` that ``service.open_notice`` opens.

Money kinds (a distribution; a subsidy split, R15) come from funds with their window, held until the notice closes.
Registry kinds (a poor household's entry or exit) come from the households service's own facts and are informational
(docs/oversight.md, "Registry notices"): the change is in force, the window is for objections, and an upheld one asks
the registry for a correction, which supersedes the notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from services.oversight.notices.page import yuan
from shared.events.funds_notice import DistributionPostedForNotice, SubsidyPostedForNotice
from shared.events.households import HouseholdLeftRegistry, HouseholdRegistered, HouseholdStatusChanged

BENEFIT_ZH = {"equity_dividend": "入股分红", "asset_income": "资产收益", "policy_support": "政策扶持"}
REGISTRY_KINDS = ("registry_entry", "registry_exit")
# Statuses in which a household is in the poverty registry's care (识别为贫困户): entering one is an entry, leaving one an exit.
POOR = ("registered_poor", "returned_to_poverty")
STATUS_CHANGE_ZH = {
    "registered_poor": "识别为建档立卡贫困户",
    "returned_to_poverty": "返贫，重新纳入帮扶",
    "exited": "脱贫退出",
    "not_poor": "不再认定为贫困户",
}


@dataclass(frozen=True)
class Posting:
    """What a notice posts and how long it runs; ``held``: money waits for it (a registry notice holds none)."""

    kind: str
    subject_id: str
    village_code: str
    title: str
    total_fen: int
    lines: list[dict[str, Any]]
    window: timedelta
    held: bool
    lineage: dict[str, Any] = field(default_factory=dict)
    source_key: str | None = None
    period: str | None = None
    rule: str | None = None
    benefit_type: str | None = None

    @property
    def informational(self) -> bool:
        return self.kind in REGISTRY_KINDS


def _lineage(lineage: Any) -> dict[str, Any]:
    return {k: v for k, v in lineage.model_dump().items() if v is not None}


def _held(fact: DistributionPostedForNotice | SubsidyPostedForNotice) -> dict[str, Any]:
    """What funds says of a money notice's hold: the window it ran by at the approval, whether the money waits, its lineage."""
    return {"window": timedelta(seconds=fact.window_seconds), "held": fact.held, "lineage": _lineage(fact.lineage)}


def of_distribution(fact: DistributionPostedForNotice) -> Posting:
    return Posting(
        kind="distribution",
        subject_id=fact.distribution_id,
        village_code=fact.village_code,
        title=f"{BENEFIT_ZH.get(fact.benefit_type, '收益')}分配公示（{fact.period}）",
        total_fen=fact.poor_households_fen,
        lines=[line.model_dump() for line in sorted(fact.lines, key=lambda x: x.household_id) if line.amount_fen > 0],
        **_held(fact),
        source_key=fact.source_key,
        period=fact.period,
        rule=fact.rule,
        benefit_type=fact.benefit_type,
    )


def of_subsidy(fact: SubsidyPostedForNotice) -> Posting:
    """The household's part (the entity's, on transferred land, is said in the line's note): one line, R15 when split."""
    note = f"合计 {yuan(fact.total_fen)} 元，经营主体分得 {yuan(fact.entity_fen)} 元（R15）" if fact.entity_fen else None
    year = str(fact.paid_on.year)
    return Posting(
        kind="subsidy",
        subject_id=fact.subsidy_id,
        village_code=fact.village_code,
        title=f"{fact.name}公示（{year}）",
        total_fen=fact.household_fen,
        lines=[{"household_id": fact.household_id, "units": 1, "amount_fen": fact.household_fen} | ({"note": note} if note else {})],
        **_held(fact),
        source_key=f"subsidy:{fact.household_id}",
        period=year,
        rule=fact.rule,
        benefit_type="policy_support",
    )


def _registry(kind: str, household_id: str, village_code: str, note: str, effective_on: date, window: timedelta) -> Posting:
    return Posting(
        kind=kind,
        subject_id=household_id,
        village_code=village_code,
        title="贫困户识别公示" if kind == "registry_entry" else "贫困户退出公示",
        total_fen=0,
        lines=[{"household_id": household_id, "units": 0, "amount_fen": 0, "note": f"{note}（{effective_on.isoformat()} 起）"}],
        window=window,
        held=False,
        source_key=f"registry:{household_id}",
        period=effective_on.isoformat(),
    )


def of_registry(fact: object, *, known_status: str | None, window: timedelta) -> Posting | None:
    """An entry into the poor households' registry, or an exit from it; None for a change that is neither."""
    if isinstance(fact, HouseholdRegistered):
        if fact.poverty_status not in POOR:
            return None
        note = STATUS_CHANGE_ZH[fact.poverty_status]
        return _registry("registry_entry", fact.household_id, fact.village_code, note, fact.registered_on, window)
    if isinstance(fact, HouseholdStatusChanged):
        before = fact.previous_status or known_status
        entered, left = fact.poverty_status in POOR and before not in POOR, before in POOR and fact.poverty_status not in POOR
        if not (entered or left):
            return None
        note = STATUS_CHANGE_ZH.get(fact.poverty_status, fact.poverty_status) + (f"（{fact.exit_year} 年度）" if fact.exit_year else "")
        return _registry("registry_entry" if entered else "registry_exit", fact.household_id, fact.village_code, note, fact.effective_on, window)
    if isinstance(fact, HouseholdLeftRegistry) and known_status in POOR:
        return _registry("registry_exit", fact.household_id, fact.village_code, f"退出建档立卡：{fact.reason}", fact.effective_on, window)
    return None

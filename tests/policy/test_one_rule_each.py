"""Each rule is one function of ``policy``: what a producer refuses, the ledger reports as not met (issue #12).

The producer refuses a write with the rule's first breach (``shared.errors.enforce``); the ledger's
indicator calls the same function for each fact. Over the same numbers and thresholds they agree.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from policy import funds as policy_funds
from policy.employment import r13_poor_first
from policy.funds import PoorShare
from policy.market import r12_order_farming
from policy.thresholds import Thresholds
from policy.training import r8_course
from services.ledger import domain, indicators
from shared.errors import RuleViolation, enforce

ROOT = Path(__file__).resolve().parents[2]
V = "440232100201"


def refused(outcome: Any) -> bool:
    try:
        enforce(outcome)
    except RuleViolation:
        return True
    return False


def facts(**by_name: list[dict[str, Any]]) -> domain.Facts:
    numbered = {n: [{"event_id": f"{n}-{i}"} | d for i, d in enumerate(items)] for n, items in by_name.items()}
    return domain.Facts(by_name=numbered, known=frozenset(numbered), households=[], year=2026)


@pytest.mark.parametrize("floor_bp", [5000, 6000, 6500])
@pytest.mark.parametrize("other_fen", [300, 400, 401, 500])
def test_r1_funds_refuses_exactly_the_allocations_the_ledger_reports_not_met(floor_bp, other_fen):
    t = Thresholds(r1_industry_share_bp=floor_bp)
    industry = 1000 - other_fen
    producer = refused(policy_funds.r1_industry_share(received_fen=1000, education_fen=0, medical_fen=0, other_fen=other_fen, t=t))
    allocations = [{"amount_fen": industry, "purpose": "industry"}, {"amount_fen": other_fen, "purpose": "other"}]
    ledger = indicators.indicator("R1", facts(allocation_recorded=allocations), t).status
    assert producer == (ledger == "not_met"), (producer, ledger)


@pytest.mark.parametrize("poor_fen", [499, 500, 501])
@pytest.mark.parametrize("rule", ["R9", "R10", "R17"])
def test_r9_r10_r17_a_distribution_funds_would_refuse_is_the_one_the_ledger_flags(rule, poor_fen):
    share = PoorShare(1000, poor_fen)
    judge = {"R9": policy_funds.r9_three_rights, "R10": policy_funds.r10_assets, "R17": policy_funds.r17_dividends}[rule]
    producer = refused(judge(distribution=share))
    d = {"distribution_id": "d", "total_fen": 1000, "poor_households_fen": poor_fen, "period": "2026", "benefit_type": "equity_dividend"}
    d |= {"project_id": "p"} if rule == "R9" else {"asset_id": "a"} if rule == "R10" else {}
    extra: dict[str, list[dict[str, Any]]] = {
        "R9": {"project_registered": [{"project_id": "p"}], "agreement_signed": [{"project_id": "p"}]},
        "R10": {"asset_registered": [{"asset_id": "a"}], "asset_handed_over": [{"asset_id": "a", "mode": "lease"}]},
        "R17": {},
    }[rule]
    ledger = indicators.indicator(rule, facts(distribution_approved=[d], **extra), Thresholds()).status
    assert producer == (ledger == "not_met") and ledger in ("met", "not_met"), (producer, ledger)


@pytest.mark.parametrize("stated", [True, False])
def test_r14_a_lease_back_without_disaster_terms_is_refused_and_reported(stated):
    assert refused(policy_funds.r14_lease_back(prevention_stated=stated, handling_stated=stated)) is not stated
    ledger = indicators.indicator("R14", facts(lease_back_agreed=[{"lease_back_id": "lb", "has_disaster_terms": stated}]), Thresholds())
    assert ledger.status == ("met" if stated else "not_met")


def test_r8_r12_r13_name_their_rule_and_field():
    for outcome, rule, field in (
        (r8_course(category="cultural_literacy", industry="tea"), "R8", "industry"),
        (r12_order_farming(floor_price_fen=0), "R12", "floor_price_fen"),
        (r13_poor_first(hires_poor=False), "R13", "entity_id"),
        (policy_funds.r11_microcredit(use="entrusted", entity_id=None), "R11", "entity_id"),
    ):
        with pytest.raises(RuleViolation) as exc:
            enforce(outcome)
        assert (exc.value.rule, exc.value.field) == (rule, field)


RULES = ["R1", "R7", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15", "R16", "R17", "R18", "R19", "R20", "R21"]


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_judged_by_a_producer_and_the_ledger_has_one_definition_in_policy(rule):
    n = rule[1:].lower()
    out = subprocess.run(["grep", "-rn", f"def r{n}_\\|def check_r{n}_", "services", "shared", "policy"], cwd=ROOT, capture_output=True, text=True).stdout
    places = [line for line in out.splitlines() if line.strip()]
    assert len(places) == 1 and places[0].startswith("policy/"), places
    assert re.search(rf"def r{n}_\w+", places[0])

"""The policy's indicators as pure functions: each rule met, not met, and without data."""

from __future__ import annotations

from typing import Any

from policy.thresholds import Thresholds
from services.ledger import domain, indicators
from services.ledger.domain import Facts
from shared.events.contracts import REGISTRY

T = Thresholds()
V = "440232100201"
ALL_KNOWN = frozenset(
    {
        "allocation_recorded", "project_registered", "agreement_signed", "distribution_approved", "shares_quantified",
        "asset_registered", "asset_handed_over", "lease_back_agreed", "entity_registered", "employment_started",
        "session_completed", "certificate_issued", "labourer_compliance_changed", "direct_supply_channel_opened",
        "showcase_window_opened", "ecommerce_point_registered", "cold_chain_facility_registered", "member_registered",
        "loan_granted", "order_contract_signed",
    }
)  # fmt: skip


def facts(
    known: frozenset[str] = ALL_KNOWN, households: list[dict[str, Any]] | None = None, income: set[str] | None = None, **by_name: list[dict[str, Any]]
) -> Facts:
    numbered = {name: [{"event_id": f"{name}-{i}"} | item for i, item in enumerate(items)] for name, items in by_name.items()}
    return Facts(by_name=numbered, known=known, households=households or [], income_households=frozenset(income or ()), year=2026)


def contract(name: str, **overrides: Any) -> dict[str, Any]:
    """A fact as its producer publishes it: the contract's example with ``overrides``, read back through the contract."""
    [cls] = [c for t, c in REGISTRY.items() if t.split(".")[2] == name]
    return cls.model_validate((cls.example or {}) | overrides).model_dump(mode="json")


def ids(r: domain.Indicator) -> list[str]:
    return [e.id for e in r.evidence]


def poor(hid: str, labour: int = 1) -> dict[str, Any]:
    return {"household_id": hid, "poverty_status": "registered_poor", "labour_count": labour, "left_on": None}


def test_r1_industry_share_met_at_sixty_percent_of_the_net_special_fund():
    f = facts(
        allocation_recorded=[{"amount_fen": 400, "purpose": "education"}, {"amount_fen": 600, "purpose": "industry"}, {"amount_fen": 400, "purpose": "other"}]
    )
    r = indicators.judge_r1(f, T)
    assert r.status == "met" and r.numbers["share_bp"] == 6000 and len(r.evidence) == 3


def test_r1_industry_share_not_met_below_sixty_percent():
    f = facts(allocation_recorded=[{"amount_fen": 599, "purpose": "industry"}, {"amount_fen": 401, "purpose": "other"}])
    r = indicators.judge_r1(f, T)
    assert r.status == "not_met" and r.numbers["share_bp"] == 5990


def test_r1_no_data_without_allocations_and_threshold_is_configurable():
    assert indicators.judge_r1(facts(), T).status == "no_data"
    f = facts(allocation_recorded=[{"amount_fen": 599, "purpose": "industry"}, {"amount_fen": 401, "purpose": "other"}])
    assert indicators.judge_r1(f, Thresholds(r1_industry_share_bp=5000)).status == "met"


def test_r3_relatively_poor_village_needs_sixty_percent_to_poor_households():
    ok = facts(distribution_approved=[{"total_fen": 1000, "poor_households_fen": 600, "guidance_fund": True}])
    low = facts(distribution_approved=[{"total_fen": 1000, "poor_households_fen": 599, "guidance_fund": True}])
    assert indicators.r3_relatively_poor_share(ok, T, ["relatively_poor_dongguan"]).status == "met"
    r = indicators.r3_relatively_poor_share(low, T, ["relatively_poor_shaoguan"])
    assert r.status == "not_met" and ids(r) == ["distribution_approved-0"] and r.numbers["poor_share_bp"] == 5990
    assert indicators.r3_relatively_poor_share(ok, T, ["province_poor"]).status == "no_data"


def _r4_base(area: int) -> dict[str, list[dict[str, Any]]]:
    return {
        "project_registered": [{"project_id": "p", "area_tenth_mu": area, "contiguous": True, "entity_id": "e", "funded_by": ["a"], "funding_fen": 1}],
        "session_completed": [{"member_id": "m"}],
        "direct_supply_channel_opened": [{"village_code": V}],
    }


def test_r4_characteristic_industry_of_fifty_mu_with_funding_entity_training_and_channel():
    assert indicators.r4_characteristic_industry(facts(**_r4_base(500)), T, ["province_poor"]).status == "met"
    r = indicators.r4_characteristic_industry(facts(**_r4_base(499)), T, ["province_poor"])
    assert r.status == "not_met" and r.numbers["at_least_area"] == 0
    no_channel = _r4_base(800) | {"direct_supply_channel_opened": []}
    assert indicators.r4_characteristic_industry(facts(**no_channel), T, ["province_poor"]).status == "not_met"


def test_r5_joint_stock_entity_or_cooperative_serving_the_village():
    coop = facts(entity_registered=[{"entity_id": "e1", "kind": "cooperative", "village_codes": [V]}])
    farm = facts(entity_registered=[{"entity_id": "e2", "kind": "family_farm", "village_codes": [V]}])
    assert indicators.r5_joint_stock_entity(coop, V).status == "met"
    assert indicators.r5_joint_stock_entity(farm, V).status == "not_met"
    assert indicators.r5_joint_stock_entity(facts(known=frozenset()), V).status == "no_data"


def test_r6_every_poor_household_with_labour_holds_shares():
    hs = [poor("h1"), poor("h2"), poor("h3", labour=0)]
    r = indicators.r6_households_in_joint_stock(facts(households=hs, shares_quantified=[{"household_id": "h1"}]))
    assert r.status == "not_met" and ids(r) == ["h2"]
    assert indicators.r6_households_in_joint_stock(facts(households=hs, shares_quantified=[{"household_id": "h1"}, {"household_id": "h2"}])).status == "met"
    assert indicators.r6_households_in_joint_stock(facts()).status == "no_data"


def _labourer(mid: str) -> dict[str, Any]:
    return {"member_id": mid, "labour_capacity": "full"}


def test_r7_labourer_trained_twice_a_year_five_days_three_years_with_a_skill():
    sessions = [contract("session_completed", member_id="m1", year=y, days_attended=5, counted=True) for y in (2024, 2025, 2026) for _ in range(2)]
    skill = contract("certificate_issued", member_id="m1", certified_on="2024-06-01")
    good = facts(member_registered=[_labourer("m1")], session_completed=sessions, certificate_issued=[skill])
    assert indicators.indicator("R7", good, T).status == "met"
    short = facts(member_registered=[_labourer("m1")], session_completed=sessions[:-1], certificate_issued=[skill])
    r = indicators.indicator("R7", short, T)
    assert r.status == "not_met" and ids(r) == ["m1"]
    four_days = [s | {"days_attended": 4} if i == 0 else s for i, s in enumerate(sessions)]
    short = facts(member_registered=[_labourer("m1")], session_completed=four_days, certificate_issued=[skill])
    assert indicators.indicator("R7", short, T).status == "not_met"
    verdict = facts(
        member_registered=[_labourer("m1")],
        labourer_compliance_changed=[contract("labourer_compliance_changed", member_id="m1", year=2026, status="compliant")],
    )
    assert indicators.indicator("R7", verdict, T).status == "met"


def test_r7_the_ledger_and_training_judge_with_the_same_thresholds():
    sessions = [contract("session_completed", member_id="m1", year=y, days_attended=3) for y in (2025, 2026) for _ in range(2)]
    f = facts(member_registered=[_labourer("m1")], session_completed=sessions, certificate_issued=[contract("certificate_issued", member_id="m1")])
    assert indicators.indicator("R7", f, T).status == "not_met"
    assert indicators.indicator("R7", f, Thresholds(r7_days_per_session=3, r7_years=2)).status == "met"


def test_r9_three_rights_project_needs_agreement_and_half_to_poor_households():
    base = {"project_registered": [{"project_id": "p"}], "distribution_approved": [{"project_id": "p", "total_fen": 100, "poor_households_fen": 50}]}
    assert indicators.judge_r9(facts(**base, agreement_signed=[{"project_id": "p"}]), T).status == "met"
    assert indicators.judge_r9(facts(**base), T).status == "not_met"
    low = base | {"distribution_approved": [{"project_id": "p", "total_fen": 100, "poor_households_fen": 49}]}
    assert indicators.judge_r9(facts(**low, agreement_signed=[{"project_id": "p"}]), T).status == "not_met"


def test_r9_r17_a_reversed_distribution_no_longer_counts_and_the_correct_one_is_judged():
    wrong = {"distribution_id": "d1", "project_id": "p", "total_fen": 100, "poor_households_fen": 10, "benefit_type": "equity_dividend"}
    right = {"distribution_id": "d2", "project_id": "p", "total_fen": 100, "poor_households_fen": 60, "benefit_type": "equity_dividend"}
    base = {"project_registered": [{"project_id": "p"}], "agreement_signed": [{"project_id": "p"}]}
    assert indicators.judge_r9(facts(**base, distribution_approved=[wrong, right]), T).status == "not_met"
    corrected = facts(**base, distribution_approved=[wrong, right], distribution_reversed=[{"distribution_id": "d1", "reversal_id": "r1"}])
    r9, r17 = indicators.judge_r9(corrected, T), indicators.judge_r17(corrected, T)
    assert r9.status == r17.status == "met" and r9.numbers["distributions"] == r17.numbers["distributions"] == 1


def test_r10_assets_handed_over_and_half_of_income_to_poor_households():
    assets = {"asset_registered": [{"asset_id": "a"}]}
    assert indicators.judge_r10(facts(**assets), T).status == "not_met"
    handed = assets | {
        "asset_handed_over": [{"asset_id": "a", "mode": "lease"}],
        "distribution_approved": [{"asset_id": "a", "total_fen": 10, "poor_households_fen": 5}],
    }
    assert indicators.judge_r10(facts(**handed), T).status == "met"


def test_r13_entities_supported_by_poverty_funds_hire_poor_households():
    f = facts(
        households=[poor("h1")],
        allocation_recorded=[{"entity_id": "e1", "amount_fen": 1}],
        employment_started=[{"entity_id": "e1", "household_id": "h1", "member_id": "m"}],
    )
    assert indicators.judge_r13(f).status == "met"
    f2 = facts(households=[poor("h1")], allocation_recorded=[{"entity_id": "e2", "amount_fen": 1}])
    r = indicators.judge_r13(f2)
    assert r.status == "not_met" and ids(r) == ["e2"]


def test_r14_lease_back_agreement_covers_disaster_risks():
    assert indicators.judge_r14(facts(lease_back_agreed=[{"has_disaster_terms": True}])).status == "met"
    assert indicators.judge_r14(facts(lease_back_agreed=[{"has_disaster_terms": False}])).status == "not_met"
    assert indicators.judge_r14(facts()).status == "no_data"


def test_r17_dividends_half_to_poor_households():
    ok = facts(distribution_approved=[{"benefit_type": "equity_dividend", "total_fen": 200, "poor_households_fen": 100}])
    low = facts(distribution_approved=[{"benefit_type": "equity_dividend", "total_fen": 200, "poor_households_fen": 99}])
    assert indicators.judge_r17(ok, T).status == "met"
    assert indicators.judge_r17(low, T).status == "not_met"


MARKET = dict(
    direct_supply_channel_opened=[contract("direct_supply_channel_opened", village_code=V, period_start="2026-03-01", period_end="2027-02-28")],
    showcase_window_opened=[contract("showcase_window_opened", village_code="440232100202", opened_on="2026-03-15")],
    ecommerce_point_registered=[contract("ecommerce_point_registered", covered_village_codes=[V], opened_on="2026-03-01")],
    cold_chain_facility_registered=[],
)


def test_r18_direct_supply_channel_for_the_village():
    assert indicators.indicator("R18", facts(**MARKET), T, village_code=V).status == "met"
    assert indicators.indicator("R18", facts(**MARKET), T, village_code="440232100202").status == "not_met"


def test_r18_a_channel_counts_only_in_the_years_of_its_period():
    old = facts(direct_supply_channel_opened=[contract("direct_supply_channel_opened", village_code=V, period_start="2020-01-01", period_end="2020-12-31")])
    assert indicators.indicator("R18", old, T, village_code=V).status == "not_met"
    assert indicators.indicator("R18", old, T).status == "not_met"  # the county, too


def test_r19_showcase_window_for_the_village():
    assert indicators.indicator("R19", facts(**MARKET), T, village_code=V).status == "not_met"
    assert indicators.indicator("R19", facts(**MARKET), T, village_code="440232100202").status == "met"
    later = facts(showcase_window_opened=[contract("showcase_window_opened", village_code=V, opened_on="2027-01-01")])
    assert indicators.indicator("R19", later, T, village_code=V).status == "not_met"


def test_r20_ecommerce_station_covering_the_village():
    assert indicators.indicator("R20", facts(**MARKET), T, village_code=V).status == "met"
    assert indicators.indicator("R20", facts(**MARKET), T, village_code="440232100203").status == "not_met"


def test_r21_cold_chain_covering_the_village():
    assert indicators.indicator("R21", facts(**MARKET), T, village_code=V).status == "not_met"
    covering = facts(cold_chain_facility_registered=[contract("cold_chain_facility_registered", covered_village_codes=[V])])
    assert indicators.indicator("R21", covering, T, village_code=V).status == "met"
    assert indicators.indicator("R21", facts(known=frozenset()), T, village_code=V).status == "no_data"


def test_r22_income_project_led_by_village_cadre_or_party_member():
    assert indicators.r22_cadre_led_project(facts(project_registered=[{"led_by": "party_member"}])).status == "met"
    assert indicators.r22_cadre_led_project(facts(project_registered=[{"led_by": "none"}])).status == "not_met"
    led = facts(project_registered=[{"led_by": "none", "leader_member_id": "m1"}], member_registered=[{"member_id": "m1", "is_village_cadre": True}])
    assert indicators.r22_cadre_led_project(led).status == "met"


def test_every_household_has_income_project():
    f = facts(households=[poor("h1"), poor("h2")], income={"h1"})
    r = indicators.every_household_has_income_project(f)
    assert r.status == "not_met" and ids(r) == ["h2"]
    assert indicators.every_household_has_income_project(facts(households=[poor("h1")], income={"h1"})).status == "met"


def test_every_labourer_has_a_way_by_employment_or_training():
    employed = facts(member_registered=[_labourer("m1")], employment_started=[{"member_id": "m1", "employment_id": "x", "entity_id": "e", "household_id": "h"}])
    assert indicators.every_labourer_has_a_way(employed, T).status == "met"
    ended = facts(
        member_registered=[_labourer("m1")], employment_started=[{"member_id": "m1", "employment_id": "x"}], employment_ended=[{"employment_id": "x"}]
    )
    assert indicators.every_labourer_has_a_way(ended, T).status == "not_met"
    trained = facts(
        member_registered=[_labourer("m1")],
        labourer_compliance_changed=[contract("labourer_compliance_changed", member_id="m1", year=2026, status="compliant")],
    )
    assert indicators.every_labourer_has_a_way(trained, T).status == "met"


def test_shares_in_basis_points_sum_to_ten_thousand():
    shares = domain.shares_bp({"a": 1, "b": 1, "c": 1})
    assert sum(shares.values()) == 10000 and sorted(shares.values()) == [3333, 3333, 3334]
    assert domain.shares_bp({"a": 0}) == {"a": 0}


def test_evaluate_answers_every_indicator_the_policy_names():
    rules = [i.rule for i in indicators.evaluate(facts(), T, village_code=V, categories=[])]
    assert rules == list(indicators.INDICATORS)


def test_r8_a_session_whose_course_is_off_the_catalogue_is_not_met():
    good = contract("session_completed", category="agricultural_technique", industry="tea")
    off = contract("session_completed", session_id="s-off", category="cultural_literacy", industry="tea")
    assert indicators.indicator("R8", facts(session_completed=[good]), T).status == "met"
    r = indicators.indicator("R8", facts(session_completed=[good, off]), T)
    assert r.status == "not_met" and ids(r) == ["s-off"] and r.numbers == {"sessions": 2, "off_catalogue": 1}
    assert indicators.indicator("R8", facts(), T).status == "no_data"


def test_r11_an_entrusted_loan_without_a_guaranteed_return_is_not_met():
    ok = contract("loan_granted")
    bare = contract("loan_granted", loan_id="l-bare", guaranteed_return_fen_per_year=None)
    own = contract("loan_granted", loan_id="l-own", use="household_use", entity_id=None, guaranteed_return_fen_per_year=None)
    assert indicators.indicator("R11", facts(loan_granted=[ok, own]), T).status == "met"
    r = indicators.indicator("R11", facts(loan_granted=[ok, bare]), T)
    assert r.status == "not_met" and ids(r) == ["l-bare"]
    assert indicators.indicator("R11", facts(loan_granted=[own]), T).status == "no_data"


def test_r12_an_order_contract_without_a_floor_price_is_not_met():
    ok = contract("order_contract_signed")
    zero = contract("order_contract_signed", contract_id="c-zero", floor_price_fen=0)
    assert indicators.indicator("R12", facts(order_contract_signed=[ok]), T, village_code=V).status == "met"
    r = indicators.indicator("R12", facts(order_contract_signed=[ok, zero]), T, village_code=V)
    assert r.status == "not_met" and ids(r) == ["c-zero"]

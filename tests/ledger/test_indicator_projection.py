"""The consumer's indicator projections answer what the log answers (issue #17 item 5).

Every indicator's dated scenario (``test_indicator_dates.SCENARIOS``) in a village of one township, and a
village of facts that fail, end, leave, reverse and change: the indicators read from the projections
(``/indicators/…``) equal those judged from every fact of the place (``service.*_from_log``, the path
that loads the log) for whole years and ``as_of`` days, in the village and in the township; and the township's
overview (``/views/townships/{code}/villages``) equals the one judged from every fact.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from policy.linkage import Span
from services.ledger import indicators, service
from services.ledger.schemas import EvidencePage, Indicators
from services.ledger.views import queries
from shared.events.contracts import EventData
from shared.events.households import HouseholdRegistered, MemberRegistered
from shared.events.income import BenefitType
from shared.ids import new_id
from tests.helpers import eventually
from tests.ledger import support
from tests.ledger.support import append, fact, income, member, village
from tests.ledger.test_indicator_dates import SCENARIOS, _home, _worker

COUNTY = "440229"  # 仁化县
SPANS = [Span.year(2017), Span.year(2018), Span.year(2019), Span.year(2026)] + [
    Span(date(2018, 1, 1), date.fromisoformat(d)) for d in ("2018-01-01", "2018-03-31", "2018-05-09", "2018-05-10", "2018-06-30", "2018-11-30", "2018-12-30")
]


def contract(h: HouseholdRegistered, floor_fen: int, starts: str, ends: str) -> EventData:
    return fact(
        "fupin.market.order_contract_signed.v1",
        contract_id=new_id(),
        household_id=h.household_id,
        village_code=h.village_code,
        floor_price_fen=floor_fen,
        starts_on=starts,
        ends_on=ends,
    )


def trained(m: MemberRegistered, category: str, on: str) -> EventData:
    """A session of five days, completed on ``on``."""
    return fact(
        "fupin.training.session_completed.v1",
        member_id=m.member_id,
        household_id=m.household_id,
        village_code=m.village_code,
        session_id=new_id(),
        category=category,
        industry="tea",
        year=int(on[:4]),
        completed_on=on,
        days_attended=5,
    )


def troubled(code: str) -> tuple[list[EventData], list[EventData]]:
    """A village where things fail and change: people first (training must know the labourers), then the rest."""
    poor, other, gone = _home(code), _home(code), _home(code)
    a, b, c = _worker(poor), _worker(other), member(gone)
    trainee = _worker(other)
    ent = new_id()
    job = {"member_id": a.member_id, "household_id": poor.household_id, "village_code": code, "entity_id": ent}
    first = income(poor, BenefitType.wage_labor, 500, date(2018, 4, 1))
    facts: list[EventData] = [
        # R13: a supported entity employs a poor household's labourer from April; a second job ends in May.
        fact(
            "fupin.funds.allocation_recorded.v1",
            allocation_id=new_id(),
            county_code=COUNTY,
            village_code=code,
            purpose="industry",
            recipient_kind="operating_entity",
            recipient_id=ent,
            entity_id=ent,
            amount_fen=900,
            allocated_on="2018-02-01",
        ),  # fmt: skip
        fact("fupin.households.employment_started.v1", employment_id=new_id(), **job, started_on="2018-04-01"),
        (x := fact("fupin.households.employment_started.v1", employment_id=new_id(), **job | {"member_id": b.member_id}, started_on="2018-01-15")),
        fact("fupin.households.employment_ended.v1", employment_id=x.employment_id, **job | {"member_id": b.member_id}, ended_on="2018-05-20"),  # type: ignore[attr-defined]
        # R12, R14, R11: one fact meets the rule, one does not.
        contract(poor, 0, "2018-06-01", "2019-02-28"),
        contract(other, 900, "2017-06-01", "2018-03-31"),
        fact(
            "fupin.funds.lease_back_agreed.v1",
            lease_back_id=new_id(),
            household_id=poor.household_id,
            village_code=code,
            start_on="2018-05-01",
            end_on="2020-04-30",
            has_disaster_terms=False,
        ),  # fmt: skip
        fact(
            "fupin.funds.loan_granted.v1",
            loan_id=new_id(),
            household_id=other.household_id,
            village_code=code,
            granted_on="2018-07-31",
            term_months=5,
            use="entrusted",
            entity_id=None,
            guaranteed_return_fen_per_year=None,
        ),  # fmt: skip
        # R8: a session off the catalogue in June; R7: a labourer trained twice a year without training's verdict.
        trained(trainee, "cultural_literacy", "2018-06-15"),
        *[trained(trainee, "agricultural_technique", f"{y}-{m}-10") for y in (2016, 2017, 2018) for m in ("03", "09")],
        fact(
            "fupin.training.certificate_issued.v1",
            certificate_id=new_id(),
            member_id=trainee.member_id,
            household_id=other.household_id,
            village_code=code,
            certified_on="2018-10-01",
        ),  # fmt: skip
        # Members and households change: one leaves, one loses its labour, one is no longer poor, one leaves the register.
        fact("fupin.households.member_left.v1", member_id=b.member_id, household_id=other.household_id, village_code=code, effective_on="2018-08-01"),
        fact(
            "fupin.households.member_updated.v1",
            member_id=c.member_id,
            household_id=gone.household_id,
            village_code=code,
            labour_capacity="none",
            wishes_to_work_away=False,
            is_party_member=True,
            is_village_cadre=False,
            effective_on="2018-03-01",
        ),  # fmt: skip
        fact(
            "fupin.households.household_size_changed.v1",
            household_id=poor.household_id,
            village_code=code,
            member_count=2,
            labour_count=0,
            effective_on="2018-09-01",
        ),  # fmt: skip
        fact(
            "fupin.households.household_status_changed.v1",
            household_id=other.household_id,
            village_code=code,
            poverty_status="not_poor",
            effective_on="2018-06-01",
        ),  # fmt: skip
        fact("fupin.households.household_left_registry.v1", household_id=gone.household_id, village_code=code, reason="整户迁出", effective_on="2019-03-01"),
        # Income: a reversal takes a household's only income of 2018 back in May; another earns in June.
        first,
        income(poor, BenefitType.wage_labor, -500, date(2018, 5, 10), reverses=new_id()),
        income(poor, BenefitType.policy_support, 300, date(2018, 6, 20)),
        income(other, BenefitType.asset_income, 200, date(2018, 11, 30)),
    ]
    return [poor, other, gone, a, b, c, trainee], facts


async def test_projected_indicators_equal_the_logs_for_years_and_as_of_days(platform):
    township = support.fresh_township(COUNTY)
    codes = [f"{township}{201 + i}" for i in range(len(SCENARIOS) + 1)]
    people: list[EventData] = []
    rest: list[EventData] = []
    expected: dict[str, str] = {}
    for (rule, scenario), code in zip(SCENARIOS.items(), codes, strict=False):
        s = scenario(code)
        rest.append(village(code, list(s.categories)))
        people += [f for f in s.facts if type(f).__name__ in ("HouseholdRegistered", "MemberRegistered")]
        rest += [f for f in s.facts if type(f).__name__ not in ("HouseholdRegistered", "MemberRegistered")]
        expected[code] = rule
    mixed = codes[-1]
    who, what = troubled(mixed)
    await append(platform, village(mixed, ["province_poor", "relatively_poor"]), *people, *who)

    async def training_knows_them() -> None:
        for m in [f for f in people + who if type(f).__name__ == "MemberRegistered"]:
            r = await platform.client.get(f"/training/v1/members/{m.member_id}/training-file", headers=platform.admin)  # type: ignore[attr-defined]
            assert r.status_code == 200, r.text

    await eventually(training_knows_them)
    await append(platform, *rest, *what)

    async def from_log(code: str, span: Span, level: str = "village") -> dict[str, Any]:
        async with platform.context("ledger").sessionmaker() as session:
            if level == "village":
                got = await service.village_indicators_from_log(session=session, code=code, span=span)
            else:
                got = await service.place_indicators_from_log(session=session, level="township", code=code, span=span)
        return got.model_dump(mode="json")

    async def settled() -> None:
        for code, rule in expected.items():
            [i] = [i for i in (await from_log(code, Span.year(2018)))["indicators"] if i["rule"] == rule]
            assert i["status"] == "met", (code, i)
        [income_2018] = [i for i in (await from_log(mixed, Span.year(2018)))["indicators"] if i["rule"] == "every_household_has_income_project"]
        assert income_2018["numbers"]["with_income"] == 2, income_2018

    await eventually(settled, timeout=60)
    compared = overviews = earning = 0
    for span in SPANS:
        params = {"year": span.last.year} if span == Span.year(span.last.year) else {"as_of": span.last.isoformat()}
        for code in codes:
            r = await platform.client.get(f"/ledger/v1/indicators/villages/{code}", params=params, headers=platform.admin)
            assert r.status_code == 200, r.text
            projected = Indicators.model_validate(r.json()).model_dump(mode="json")
            logged = await from_log(code, span)
            for got, want in zip(projected["indicators"], logged["indicators"], strict=True):
                assert got == want, (code, span, got, want)
            assert projected == logged
            compared += len(projected["indicators"])
        r = await platform.client.get(f"/ledger/v1/indicators/townships/{township}", params=params, headers=platform.admin)
        assert Indicators.model_validate(r.json()).model_dump(mode="json") == await from_log(township, span, "township"), span
        if span == Span.year(span.last.year):
            # The township's overview (households, people, those without income, income by type, every village's
            # verdicts) from the projections, as judged from every fact of the township.
            r = await platform.client.get(f"/ledger/v1/views/townships/{township}/villages", params=params, headers=platform.admin)
            assert r.status_code == 200, r.text
            async with platform.context("ledger").sessionmaker() as session:
                logged_villages = await queries.region_villages_from_log(session, level="township", code=township, year=span.last.year)
            bare = {"evidence": [], "evidence_items": EvidencePage(items=[], next_cursor=None, count=0)}  # an overview carries no evidence
            want = [v.model_copy(update={"indicators": [i.model_copy(update=bare) for i in v.indicators]}).model_dump(mode="json") for v in logged_villages]
            got_villages = r.json()["villages"]
            assert [v["village_code"] for v in got_villages] == [v["village_code"] for v in want], span
            for got, want_village in zip(got_villages, want, strict=True):
                assert got == want_village, (span, got, want_village)
            overviews += len(want)
            earning += sum(1 for v in want if v["households"] and v["total_fen"])
    assert compared == len(SPANS) * len(codes) * len(indicators.INDICATORS)
    assert overviews >= 4 * len(codes) and earning >= 2, (overviews, earning)  # four years of every village, some earning

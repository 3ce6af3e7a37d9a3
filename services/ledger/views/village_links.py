"""A village's projects and market links in one request, for the village screen.

Two statements: the village's own facts and the county-wide ones that cover it (1), and the county's
funds facts that name the projects' entities and funds (1). Projects are the three-rights projects
registered in the village (R9) with their entity, funding and agreements; market links are what
R18–R21 read — direct-supply channels, showcase windows, e-commerce points and cold-chain facilities
that cover the village — and the order contracts (R12) signed in it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.ledger import service
from services.ledger.lineage import county_sources
from services.ledger.models import PolicyFact, col
from services.ledger.views.schemas import MarketLink, VillageLinks, VillageProject
from shared.auth import Principal

VILLAGE_FACTS = ("project_registered", "agreement_signed", "direct_supply_channel_opened", "showcase_window_opened", "order_contract_signed")
COVERING_FACTS = ("ecommerce_point_registered", "cold_chain_facility_registered")


def _covers(data: dict[str, Any], code: str) -> bool:
    return data.get("village_code") == code or code in (data.get("covered_village_codes") or [])


def _link(market_link: str, rule: str, ref: Any, name: Any, **fields: Any) -> MarketLink:
    values = {"kind": None, "form": None, "level": None, "detail": None, "since": None, "until": None} | fields
    return MarketLink.model_validate({"market_link": market_link, "rule": rule, "id": str(ref), "name": str(name or "")} | values)


def market_links(facts: list[PolicyFact], code: str) -> list[MarketLink]:
    """The links of the village, in the order the log recorded them."""
    out = []
    for f in facts:
        d = f.data or {}
        here = d.get("village_code") == code
        if f.fact == "direct_supply_channel_opened" and here:
            detail = d.get("product") or d.get("partner")
            out.append(_link("direct_supply_channel", "R18", d.get("channel_id") or f.subject, d.get("counterparty"), kind=d.get("kind"), detail=detail,
                             since=d.get("period_start"), until=d.get("period_end")))  # fmt: skip
        elif f.fact == "showcase_window_opened" and here:
            out.append(_link("showcase_window", "R19", d.get("window_id") or f.subject, d.get("paired_unit"), form=d.get("form"),
                             detail=d.get("address_or_url"), since=d.get("opened_on")))  # fmt: skip
        elif f.fact == "ecommerce_point_registered" and _covers(d, code):
            out.append(_link("ecommerce_point", "R20", d.get("point_id") or f.subject, d.get("name"), level=d.get("level"), since=d.get("opened_on")))
        elif f.fact == "cold_chain_facility_registered" and _covers(d, code):
            capacity = f"{d['capacity']} {d.get('capacity_unit') or ''}".strip() if d.get("capacity") else None
            out.append(_link("cold_chain_facility", "R21", d.get("facility_id") or f.subject, d.get("name"), kind=d.get("kind"), detail=capacity,
                             since=d.get("opened_on")))  # fmt: skip
        elif f.fact == "order_contract_signed" and here:
            out.append(_link("order_contract", "R12", d.get("contract_id") or f.subject, d.get("product"), detail=f"{d.get('quantity')} {d.get('unit')}",
                             since=d.get("starts_on"), until=d.get("ends_on")))  # fmt: skip
    return out


async def village_links(*, session: AsyncSession, principal: Principal, code: str) -> VillageLinks:
    service._check_place(principal, "village", code)
    county = code[:6]
    facts = list(
        (
            await session.execute(
                select(PolicyFact)
                .where(
                    or_(
                        and_(col(PolicyFact.village_code) == code, col(PolicyFact.fact).in_(VILLAGE_FACTS + COVERING_FACTS)),
                        and_(col(PolicyFact.county_code) == county, col(PolicyFact.fact).in_(COVERING_FACTS)),
                    )
                )
                .order_by(col(PolicyFact.recorded_at), col(PolicyFact.event_id))
            )
        ).scalars()
    )
    sources = await county_sources(session, county)
    agreements: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        if f.fact == "agreement_signed" and (f.data or {}).get("project_id"):
            agreements.setdefault(str(f.data["project_id"]), []).append(dict(f.data))
    projects = []
    for f in facts:
        d = f.data or {}
        if f.fact != "project_registered" or d.get("village_code") != code:
            continue
        pid = str(d.get("project_id"))
        funds = sorted(set(sources._project_funds(pid)))
        signed = agreements.get(pid, [])
        projects.append(
            VillageProject(
                project_id=pid,
                name=str(d.get("name") or ""),
                industry=d.get("industry"),
                area_tenth_mu=d.get("area_tenth_mu"),
                contiguous=bool(d.get("contiguous")),
                entity_id=d.get("entity_id"),
                entity_name=sources.name(d.get("entity_id")),
                led_by=d.get("led_by"),
                funding_fen=int(d.get("funding_fen") or 0),
                fund_ids=funds,
                fund_names=[sources.name(x) or x for x in funds],
                agreement_id=str(signed[-1].get("agreement_id")) if signed else None,
                poor_share_bp=signed[-1].get("poor_share_bp") if signed else None,
                term_end=signed[-1].get("term_end") if signed else None,
            )
        )
    return VillageLinks(village_code=code, projects=projects, market_links=market_links(facts, code))

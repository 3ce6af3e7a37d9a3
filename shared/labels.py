"""Code tables (字典): a Chinese and an English label for every enumerated value the API exposes.

One place for the words a screen shows for a code: the OpenAPI carries them on each enum
(``x-enum-labels``, and ``x-enumDescriptions`` for documentation tools) and ``GET /v1/labels``
serves them as one cacheable document (strong ``ETag``; ``If-None-Match`` answers 304).

A table is named after the property (or query parameter) that holds the code — ``relation``,
``poverty_status`` — or, for an enum that is its own schema component, after the component
(``Role`` is ``user_role``). Values of one name share one table. A test fails when a value in the
OpenAPI has no label here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal, get_args

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, BeforeValidator, Field

from shared.events.funds import FundKind, HandoverMode
from shared.regions import INDUSTRIES

# (中文, English) — Chinese first: it is the platform's language.
Label = tuple[str, str]

_VILLAGE_CATEGORY: dict[str, Label] = {
    "province_poor": ("省定贫困村", "Province-designated poor village"),
    "relatively_poor_dongguan": ("相对贫困村（东莞帮扶）", "Relatively poor village (assisted by Dongguan)"),
    "relatively_poor_shaoguan": ("相对贫困村（韶关帮扶）", "Relatively poor village (assisted by Shaoguan)"),
    "scattered_poor": ("分散贫困村", "Village with scattered poor households"),
}
# Codes only old facts carry: read back (never taken as input), so a screen can still name them.
_LEGACY_VILLAGE_CATEGORY: dict[str, Label] = {
    "relatively_poor": ("相对贫困村（旧分类，未注明帮扶方）", "Relatively poor village (former category, assisting side not given)"),
}
# What a read shows for a stored code outside its table (free text an old fact carried): see ``output_enum``.
OTHER = "other"
_UNRECOGNISED: Label = ("其他（旧数据中的未识别代码）", "Other (an unrecognised code in older data)")
_COURSE_CATEGORY: dict[str, Label] = {
    "agricultural_technique": ("农业技术", "Agricultural technique"),
    "cultural_literacy": ("文化素质", "Cultural literacy"),
    "employment_skills": ("就业技能", "Employment skills"),
}
_INDUSTRY: dict[str, Label] = {
    "quality_rice": ("优质稻", "Quality rice"),
    "vegetables": ("蔬菜", "Vegetables"),
    "bamboo": ("竹子", "Bamboo"),
    "pigs": ("生猪", "Pigs"),
    "fruit": ("水果", "Fruit"),
    "tea": ("茶叶", "Tea"),
    "quality_fish": ("优质鱼", "Quality fish"),
    "camellia_oil": ("油茶", "Camellia oil"),
    "yellow_tobacco": ("黄烟", "Yellow tobacco"),
    "medicinal_herbs": ("中药材", "Chinese medicinal herbs"),
    "flowers": ("花卉", "Flowers"),
    "sericulture": ("蚕桑", "Sericulture"),
}

# What an objection or a grievance is about (services/oversight).
_CASE_CATEGORY: dict[str, Label] = {
    "eligibility": ("对象资格", "Eligibility"),
    "amount": ("金额", "Amount"),
    "share": ("股份份额", "Share"),
    "name": ("姓名信息", "Name"),
    "procedure": ("程序", "Procedure"),
    "payment": ("支付", "Payment"),
    "entity": ("经营主体", "Operating entity"),
    "training": ("培训", "Training"),
    "order": ("订单", "Order"),
    "other": ("其他", "Other"),
}

LABELS: dict[str, dict[str, Label]] = {
    # The six benefit types (§5): every income entry carries one.
    "benefit_type": {
        "order_production": ("订单生产收益", "Order production income"),
        "wage_labor": ("劳动务工收益", "Wage labour income"),
        "lease_back": ("反租倒包收益", "Lease-back income"),
        "policy_support": ("政策扶持收益", "Policy support income"),
        "asset_income": ("资产扶贫收益", "Asset income"),
        "equity_dividend": ("入股分红收益", "Equity dividend"),
    },
    "user_role": {
        "city_admin": ("市级管理员", "City administrator"),
        "county_officer": ("县（区）扶贫干部", "County officer"),
        "township_officer": ("镇（乡）扶贫干部", "Township officer"),
        "village_cadre": ("村干部", "Village cadre"),
        "entity_operator": ("经营主体操作员", "Operating entity operator"),
        "trainer": ("培训机构人员", "Trainer"),
        "auditor": ("审计人员", "Auditor"),
    },
    "by": {"county": ("按县（区）", "By county"), "township": ("按镇（乡）", "By township"), "village": ("按村", "By village")},
    "categories": {**_VILLAGE_CATEGORY, **_LEGACY_VILLAGE_CATEGORY, OTHER: _UNRECOGNISED},
    "category": {**_VILLAGE_CATEGORY, **_COURSE_CATEGORY, **_CASE_CATEGORY},
    "characteristic_industry": _INDUSTRY,
    "industry": {
        **_INDUSTRY,
        "cultural_literacy": ("文化素质", "Cultural literacy"),
        "employment_skills": ("就业技能", "Employment skills"),
        "e_commerce": ("电子商务", "E-commerce"),
        OTHER: _UNRECOGNISED,
    },
    "contribution": {"land": ("土地入股", "Land"), "means_of_production": ("生产资料入股", "Means of production"), "funds": ("资金入股", "Funds")},
    "department": {
        "agriculture": ("农业", "Agriculture"),
        "forestry": ("林业", "Forestry"),
        "livestock": ("畜牧", "Livestock"),
        "water": ("水利", "Water"),
        "fishery": ("渔业", "Fishery"),
        "ecommerce": ("电子商务", "E-commerce"),
        "photovoltaic": ("光伏", "Photovoltaic"),
    },
    # who ordered through a partner platform (§6.1)
    "buyer_kind": {
        "consumer": ("个人消费者", "Consumer"),
        "enterprise": ("企业", "Enterprise"),
        "school_canteen": ("学校食堂", "School canteen"),
        "institution_canteen": ("机关单位食堂", "Institution canteen"),
        "restaurant_hotel": ("餐馆酒店", "Restaurant or hotel"),
        "distributor": ("经销商", "Distributor"),
        "wholesale_market": ("批发市场", "Wholesale market"),
        "government": ("政府机关", "Government body"),
    },
    # income categories: a figure net of recorded costs, or gross (none recorded)
    "basis": {"net": ("净收入（已扣除生产成本）", "Net of recorded costs"), "gross": ("毛收入（未录入成本）", "Gross (no costs recorded)")},
    "form": {"physical": ("实体展销窗口", "Physical showcase"), "online": ("网上展销窗口", "Online showcase")},
    "format": {"csv": ("CSV 文件", "CSV file"), "xlsx": ("Excel 文件（xlsx）", "Excel file (xlsx)")},
    "fund_via": {
        "line": ("收益记录直接列明", "Named by the income line"),
        "allocation": ("经资金分配", "Through its allocation"),
        "project": ("经项目的资金", "Through its project's funding"),
        "entity": ("经经营主体的扶持项目", "Through the entity's funded projects"),
    },
    "grade": {"premium": ("特级", "Premium"), "first": ("一级", "First grade"), "second": ("二级", "Second grade"), "ungraded": ("等外", "Ungraded")},
    "kind": {
        # operating entities
        "joint_stock_company": ("股份制企业", "Joint-stock company"),
        "cooperative": ("合作社", "Cooperative"),
        "leading_enterprise": ("龙头企业", "Leading enterprise"),
        "family_farm": ("家庭农场", "Family farm"),
        "government_platform_company": ("政府平台公司", "Government platform company"),
        # fund sources
        "provincial_special": ("省级扶贫专项资金", "Provincial special fund"),
        "dongguan_guidance": ("东莞帮扶引导资金", "Dongguan guidance fund"),
        "shaoguan_guidance": ("韶关帮扶引导资金", "Shaoguan guidance fund"),
        "microcredit": ("扶贫小额信贷", "Microcredit"),
        "other_assistance": ("其他帮扶资金", "Other assistance fund"),
        # direct-supply channels (§6.1)
        "school_canteen": ("学校食堂", "School canteen"),
        "institution_canteen": ("机关单位食堂", "Institution canteen"),
        "restaurant_hotel": ("餐馆酒店", "Restaurant or hotel"),
        "distributor": ("经销商", "Distributor"),
        "wholesale_market": ("批发市场", "Wholesale market"),
        "partner_platform": ("合作电商平台", "Partner platform"),
        # indicator evidence (what an indicator's answer rests on)
        "event": ("事件", "Event"),
        "household": ("农户", "Household"),
        "member": ("家庭成员", "Member"),
        "village": ("村", "Village"),
        "project": ("项目", "Project"),
        "entity": ("经营主体", "Operating entity"),
        "allocation": ("资金分配", "Allocation"),
        "distribution": ("收益分配", "Distribution"),
        "asset": ("资产", "Asset"),
        "lease_back": ("反租倒包", "Lease-back"),
        "land_transfer": ("土地流转", "Land transfer"),
        "loan": ("扶贫小额信贷", "Loan"),
        "subsidy": ("补贴", "Subsidy"),
        "employment": ("就业", "Employment"),
        "session": ("培训班次", "Training session"),
        "training_file": ("培训档案", "Training file"),
        "channel": ("定向直通渠道", "Direct-supply channel"),
        "window": ("展销窗口", "Showcase window"),
        "ecommerce_point": ("电子商务服务点", "E-commerce service point"),
        "cold_chain_facility": ("冷链设施", "Cold-chain facility"),
        "order_contract": ("订单合同", "Order contract"),
        "course": ("课程", "Course"),
        # what an income line came from (a statement's ``behind``), besides the kinds above
        "agreement": ("合作协议", "Agreement"),
        "contract": ("订单合同", "Order contract"),
        "fund": ("资金", "Fund"),
        "order": ("订单", "Order"),
        "delivery": ("交货", "Delivery"),
        "payment": ("支付", "Payment"),
        # cold chain (§6.4)
        "pre_cooling": ("预冷", "Pre-cooling"),
        "storage": ("冷藏", "Cold storage"),
        "transport": ("冷链运输", "Cold-chain transport"),
        "processing": ("加工", "Processing"),
        # early-warning flags (防返贫动态监测, docs/monitoring.md)
        "below_line": ("低于监测线", "Below the monitoring line"),
        "near_line": ("接近监测线", "Near the monitoring line"),
        "income_drop": ("收入大幅下降", "Income fell against last year"),
        "no_income": ("连续无收入", "No income for months"),
        "order_contract_expired": ("订单合同到期未续", "Order contract expired"),
        "employment_ended": ("务工中断", "Employment ended"),
        "loan_overdue": ("小额信贷逾期", "Loan overdue"),
        "lease_back_ended": ("反租倒包到期", "Lease-back ended"),
        "asset_income_stopped": ("资产收益中断", "Asset income stopped"),
        "training_run_broken": ("培训中断", "Training run broken"),
        # oversight cases
        "objection": ("公示异议", "Objection to a notice"),
        "grievance": ("投诉", "Grievance"),
        # village notices (公示): besides a distribution's and a subsidy's
        "registry_entry": ("贫困户识别公示", "Notice of a household entering the registry"),
        "registry_exit": ("贫困户退出公示", "Notice of a household leaving the registry"),
    },
    "labour_capacity": {
        "full": ("全劳动力", "Full labour capacity"),
        "partial": ("半劳动力", "Partial labour capacity"),
        "none": ("无劳动力", "No labour capacity"),
    },
    "led_by": {"village_cadre": ("村干部带头", "Led by a village cadre"), "party_member": ("党员带头", "Led by a Party member"), "none": ("无", "None")},
    "level": {
        "city": ("市", "City"),
        "county": ("县（区）", "County"),
        "township": ("镇（乡）", "Township"),
        "village": ("村", "Village"),
        "primary": ("初级", "Primary"),
        "intermediate": ("中级", "Intermediate"),
        "advanced": ("高级", "Advanced"),
        "county_centre": ("县级电子商务服务中心", "County e-commerce service centre"),
        "township_station": ("镇级电子商务服务站", "Township e-commerce service station"),
        "village_shop": ("村级电子商务服务点", "Village e-commerce service shop"),
    },
    "link": {"production": ("生产", "Production"), "processing": ("加工", "Processing"), "distribution": ("流通", "Distribution")},
    "log": {"auto": ("自动选择", "Automatic"), "outbox": ("各服务的发件箱", "The services' outboxes"), "kafka": ("Kafka 事件总线", "Kafka event bus")},
    "market_link": {
        "direct_supply_channel": ("定向直通渠道", "Direct-supply channel"),
        "showcase_window": ("展销窗口", "Showcase window"),
        "ecommerce_point": ("电子商务服务点", "E-commerce service point"),
        "cold_chain_facility": ("冷链设施", "Cold-chain facility"),
        "order_contract": ("订单合同", "Order contract"),
    },
    "mode": {"contracting": ("承包", "Contracting"), "lease": ("租赁", "Lease"), "trusteeship": ("托管", "Trusteeship")},
    "poverty_status": {
        "registered_poor": ("建档立卡贫困户", "Registered poor"),
        "exited": ("已脱贫", "Exited poverty"),
        "returned_to_poverty": ("返贫", "Returned to poverty"),
        "not_poor": ("非贫困户", "Not poor"),
    },
    "purpose": {"industry": ("产业发展", "Industry"), "education": ("教育", "Education"), "medical": ("医疗", "Medical care"), "other": ("其他", "Other")},
    "recipient_kind": {
        "household": ("农户", "Household"),
        "village_collective": ("村集体", "Village collective"),
        "operating_entity": ("经营主体", "Operating entity"),
        "government_platform_company": ("政府平台公司", "Government platform company"),
    },
    "relation": {
        "head": ("户主", "Head of household"),
        "spouse": ("配偶", "Spouse"),
        "child": ("子女", "Child"),
        "parent": ("父母", "Parent"),
        "grandchild": ("孙子女", "Grandchild"),
        "sibling": ("兄弟姐妹", "Sibling"),
        "other": ("其他", "Other"),
    },
    "rights": {"property": ("产权", "Property rights"), "management": ("管理权", "Management rights")},
    "role": {
        "first_secretary": ("第一书记", "First secretary"),
        "resident_cadre": ("驻村干部", "Resident cadre"),
        "technical_cadre": ("技术干部", "Technical cadre"),
    },
    "sex": {"male": ("男", "Male"), "female": ("女", "Female")},
    "source": {
        "funds": ("资金", "Funds"),
        "households": ("农户", "Households"),
        "market": ("市场", "Market"),
        "training": ("培训", "Training"),
        "oversight": ("监督", "Oversight"),
        OTHER: _UNRECOGNISED,
    },
    "status": {
        "proposed": ("待审批", "Proposed"),
        "approved": ("已批准", "Approved"),
        "withdrawn": ("已撤回", "Withdrawn"),
        "reversed": ("已冲销", "Reversed"),
        "requested": ("已申请", "Requested"),
        "paid": ("已支付", "Paid"),
        "accepted": ("已接收", "Accepted"),
        "duplicate": ("重复", "Duplicate"),
        "met": ("达标", "Met"),
        "not_met": ("未达标", "Not met"),
        "no_data": ("无数据", "No data"),
        "compliant": ("达标", "Compliant"),
        "on_track": ("进行中", "On track"),
        "behind": ("落后", "Behind"),
        # monitoring cases
        "identified": ("已识别为监测对象", "Identified"),
        "assisted": ("帮扶中", "Assisted"),
        "removal_proposed": ("风险消除待审批", "Risk removal proposed"),
        "risk_removed": ("风险已消除", "Risk removed"),
        # the cases raised against a village notice
        "received": ("已受理", "Received"),
        "investigating": ("调查中", "Investigating"),
        "upheld": ("成立", "Upheld"),
        "rejected": ("不成立", "Rejected"),
    },
    "flag_status": {
        "open": ("待识别", "Open (not yet identified)"),
        "identified": ("已识别为监测对象", "Identified"),
        "assisted": ("帮扶中", "Assisted"),
        "removal_proposed": ("风险消除待审批", "Risk removal proposed"),
        "risk_removed": ("风险已消除", "Risk removed"),
    },
    "notice_status": {
        "open": ("公示中", "Open for objections"),
        "released": ("已放款", "Released"),
        "blocked": ("暂停放款", "Blocked"),
        "superseded": ("已被更正取代", "Superseded"),
        "posted": ("仅公示", "Posted (no window)"),
    },
    # a subsidy's payment while its village notice runs (R15)
    "release": {
        "held": ("公示期内暂缓发放", "Held while the notice runs"),
        "released": ("已放款", "Released"),
        "blocked": ("异议成立，暂停发放", "Blocked by an upheld objection"),
        "cancelled": ("已取消", "Cancelled"),
    },
    "outcome": {"upheld": ("成立", "Upheld"), "rejected": ("不成立", "Rejected")},
    "target_kind": {"distribution": ("整笔分配", "Whole distribution"), "income_line": ("单户收益", "One household's income line")},
    "unit": {
        # what a township's, county's or the city's tally of an indicator counts
        "village": ("村", "Village"),
        "county": ("县（区）", "County"),
        "jin": ("斤", "Jin (500 g)"),
        "kg": ("千克", "Kilogram"),
        "ton": ("吨", "Ton"),
        "head": ("头", "Head"),
        "piece": ("件", "Piece"),
        "box": ("箱", "Box"),
    },
    "use": {"household_use": ("户贷户用", "Used by the household"), "entrusted": ("委托经营主体代种代养", "Entrusted to an entity")},
    "venue_kind": {
        "classroom": ("教室", "Classroom"),
        "industry_project_area": ("产业项目区", "Industry project area"),
        "ecommerce_platform": ("电商平台", "E-commerce platform"),
        "employment_base": ("就业基地", "Employment base"),
        "entrepreneurship_base": ("创业基地", "Entrepreneurship base"),
    },
    # The check of a printed income statement (services/ledger/statements/verify.py).
    "verdict": {
        "verified": ("核验通过", "Verified"),
        "pending_checkpoint": ("待签名检查点", "Awaiting a signed checkpoint"),
        "failed": ("核验未通过", "Failed"),
        "not_matching": ("与台账不符", "Not matching the ledger"),
    },
}
# The same codes under the names outputs give them: an allocation's and a fund link's fund kind are the
# fund's ``kind``; an asset's handover mode is the handover's ``mode``.
LABELS["fund_kind"] = {code: LABELS["kind"][code] for code in get_args(FundKind)}
LABELS["handover_mode"] = {code: LABELS["mode"][code] for code in get_args(HandoverMode)}

# Enum components named otherwise than their snake_case name.
COMPONENT_TABLES = {"Role": "user_role"}
# Where one property name holds codes of two different things, the place names its own table: an
# "open" notice is 公示中, an "open" monitoring flag is 待识别 — one shared ``status`` table cannot say both.
QUALIFIED_TABLES = {
    "FlagOut.status": "flag_status",
    "GET /oversight/v1/notices ?status": "notice_status",
    "PublicNotice.status": "notice_status",
    "NoticeOut.status": "notice_status",
}


def output_enum(values: Iterable[str], *, other: str = OTHER) -> Any:
    """The type of an answer field whose codes come from stored facts: an enum of ``values`` and ``other``.

    The contracts of some facts carry such a code as a free string (a village's ``categories``, a project's
    ``industry``), and old facts hold codes no input takes any more (``relatively_poor``). List every code the
    input side and the contracts can carry in ``values`` (each with its label above); any other stored value
    reads as ``other`` — labelled, so a screen can show it — instead of failing the answer with a 500.
    """
    allowed = tuple(dict.fromkeys([*values, other]))

    def fold(value: Any) -> Any:
        return value if value in allowed else other

    return Annotated[Literal[allowed], BeforeValidator(fold)]


# The output enums of codes several services read back from facts whose contracts carry them as free strings.
# A village's categories: the four the registry takes and the legacy ``relatively_poor``.
VillageCategoryCode = output_enum(LABELS["categories"])
# An industry: the "453" catalogue (shared.regions) that funds' projects and market's bases take.
IndustryCode = output_enum(INDUSTRIES)


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def enums(openapi: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every enum in the document: ``(table, where, schema node)``."""
    for table, where, node in _enums(openapi):
        yield QUALIFIED_TABLES.get(where, table), where, node


def _enums(openapi: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for name, schema in openapi.get("components", {}).get("schemas", {}).items():
        if "enum" in schema:
            yield COMPONENT_TABLES.get(name, snake(name)), name, schema
        yield from _walk(schema, name, None)
    for path, item in openapi.get("paths", {}).items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else ():
                where = f"{method.upper()} {path} ?{parameter['name']}"
                yield from _walk(parameter.get("schema", {}), where, parameter["name"])


def _walk(node: Any, where: str, prop: str | None) -> Iterator[tuple[str, str, dict[str, Any]]]:
    if not isinstance(node, dict):
        return
    if "enum" in node and prop is not None:
        yield prop, where, node
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            for name, sub in value.items():
                yield from _walk(sub, f"{where}.{name}", name)
        elif key in ("items", "additionalProperties"):
            yield from _walk(value, f"{where}[]", prop)
        elif key in ("anyOf", "oneOf", "allOf", "prefixItems") and isinstance(value, list):
            for sub in value:
                yield from _walk(sub, where, prop)


def missing_labels(openapi: dict[str, Any]) -> list[str]:
    """``table.value (where)`` for each enum value in the document that has no label."""
    out = []
    for table, where, node in enums(openapi):
        for value in node["enum"]:
            if str(value) not in LABELS.get(table, {}):
                out.append(f"{table}.{value} ({where})")
    return out


def annotate(openapi: dict[str, Any]) -> dict[str, Any]:
    """Each enum names its table and carries its labels: ``x-code-table``, ``x-enum-labels``, ``x-enumDescriptions``."""
    for table, _, node in enums(openapi):
        labels = LABELS.get(table, {})
        node["x-code-table"] = table
        node["x-enum-labels"] = {str(v): {"zh-CN": labels[str(v)][0], "en": labels[str(v)][1]} for v in node["enum"] if str(v) in labels}
        node["x-enumDescriptions"] = {str(v): f"{labels[str(v)][0]} — {labels[str(v)][1]}" for v in node["enum"] if str(v) in labels}
    return openapi


# ---- GET /v1/labels ------------------------------------------------------------------------------


class LabelValue(BaseModel):
    value: str = Field(description="the code the API sends and takes")
    zh: str = Field(description="Chinese label (zh-CN)")
    en: str = Field(description="English label")


class CodeTable(BaseModel):
    values: list[LabelValue]
    used_by: list[str] = Field(description="where the OpenAPI uses this table (schema.property or operation ?parameter)")


class LabelsOut(BaseModel):
    version: str = Field(description="changes whenever any label or table changes; the same as the ETag")
    tables: dict[str, CodeTable]

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "version": "3f1c9a0e5b7d2c4a",
                    "tables": {
                        "relation": {
                            "values": [{"value": "head", "zh": "户主", "en": "Head of household"}],
                            "used_by": ["MemberIn.relation", "MemberOut.relation"],
                        }
                    },
                }
            ]
        }
    }


def labels_document(openapi: dict[str, Any]) -> dict[str, Any]:
    used: dict[str, list[str]] = {}
    for table, where, _ in enums(openapi):
        used.setdefault(table, [])
        if where not in used[table]:
            used[table].append(where)
    tables = {
        name: {"values": [{"value": v, "zh": zh, "en": en} for v, (zh, en) in values.items()], "used_by": sorted(used.get(name, []))}
        for name, values in sorted(LABELS.items())
    }
    digest = hashlib.sha256(json.dumps(tables, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]
    return {"version": digest, "tables": tables}


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: weak comparison; ``*`` matches any."""
    if not if_none_match:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    bare = etag.removeprefix("W/")
    return any(t == "*" or t.removeprefix("W/") == bare for t in tags)


def install_labels(app: FastAPI) -> None:
    """``GET /v1/labels`` and the labels in the OpenAPI (after ``install_openapi``: it annotates the described document)."""
    previous = app.openapi
    cache: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        schema = previous()
        if cache.get("annotated") is not schema:
            annotate(schema)
            cache["annotated"] = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise the document

    @app.get(
        "/v1/labels",
        tags=["labels"],
        summary="Every code table with Chinese and English labels, for a UI to cache",
        response_model=LabelsOut,
        responses={
            200: {"headers": {"ETag": {"$ref": "#/components/headers/ETag"}, "Cache-Control": {"schema": {"type": "string"}}}},
            304: {"description": "Not modified: the labels the caller holds (its `If-None-Match`) are current"},
        },
    )
    async def list_labels(request: Request) -> Response:
        """The labels of every enumerated value the API sends or takes, table by table (字典).

        Public, and the same for every caller: cache it, and revalidate with `If-None-Match`.
        """
        if "body" not in cache:
            document = labels_document(request.app.openapi())
            cache["body"] = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
            cache["etag"] = f'"{document["version"]}"'
        headers = {"ETag": cache["etag"], "Cache-Control": "public, max-age=3600"}
        if etag_matches(request.headers.get("if-none-match"), cache["etag"]):
            return Response(status_code=304, headers=headers)
        return Response(cache["body"], media_type="application/json", headers=headers)

"""Shaoguan's administrative divisions (12-digit statistical codes) and the "453" industry catalogue."""

from __future__ import annotations

from typing import Literal

CITY_CODE = "4402"

COUNTIES: dict[str, str] = {
    "440203": "武江区",
    "440204": "浈江区",
    "440205": "曲江区",
    "440222": "始兴县",
    "440224": "仁化县",
    "440229": "翁源县",
    "440232": "乳源瑶族自治县",
    "440233": "新丰县",
    "440281": "乐昌市",
    "440282": "南雄市",
}

# §1.2 — 4 bases of ≥1,000,000 mu or head, 5 of ≥100,000 mu, 3 of ≥50,000 mu.
INDUSTRIES: dict[str, tuple[str, int]] = {
    "quality_rice": ("优质稻", 4),
    "vegetables": ("蔬菜", 4),
    "bamboo": ("竹子", 4),
    "pigs": ("生猪", 4),
    "fruit": ("水果", 5),
    "tea": ("茶叶", 5),
    "quality_fish": ("优质鱼", 5),
    "camellia_oil": ("油茶", 5),
    "yellow_tobacco": ("黄烟", 5),
    "medicinal_herbs": ("中药材", 3),
    "flowers": ("花卉", 3),
    "sericulture": ("蚕桑", 3),
}

# The 12 identifiers of the catalogue above, for validating input.
Industry = Literal[*INDUSTRIES]  # type: ignore[valid-type]  # built from the catalogue's keys, so it cannot drift from them


def division_code_problem(code: str, digits: int = 12) -> str | None:
    """Why ``code`` is not a Shaoguan division code of ``digits`` digits, or None."""
    if len(code) != digits or not code.isdigit():
        return f"must be {digits} digits"
    if not code.startswith(CITY_CODE):
        return "is not inside Shaoguan (4402)"
    if code[:6] not in COUNTIES:
        return f"county {code[:6]} is not one of Shaoguan's ten county-level divisions"
    if digits == 12 and code[6:9] == "000":
        return "township part (digits 7–9) must not be 000"
    if digits == 12 and code[9:] == "000":
        return "village part (digits 10–12) must not be 000"
    return None


def county_of(code: str) -> str:
    return code[:6]


def township_of(code: str) -> str:
    return code[:9]

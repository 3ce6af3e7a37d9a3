"""Demo data through the public HTTP API: Shaoguan's ten counties, villages in each, households with members."""

from __future__ import annotations

import random
import sys
from datetime import date

import httpx
from tqdm import tqdm

from shared.auth import mint_token
from shared.pii import make_citizen_id
from shared.regions import COUNTIES, INDUSTRIES
from shared.settings import get_settings

SURNAMES = "邓陈李黄张刘赵罗林叶何梁钟曾朱"
GIVEN = ["建国", "秀英", "志强", "桂兰", "国华", "丽娟", "海燕", "永红", "伟", "芳", "明", "静"]
CATEGORIES = ["province_poor", "relatively_poor_dongguan", "relatively_poor_shaoguan", "scattered_poor"]


async def seed(
    url: str, *, households_per_village: int = 10, villages_per_county: int = 3, transport: httpx.AsyncBaseTransport | None = None, quiet: bool = False
) -> int:
    rng = random.Random(20180303)
    token = mint_token(get_settings(), role="city_admin", subject="seed")
    headers = {"Authorization": f"Bearer {token}"}
    total = len(COUNTIES) * villages_per_county * (1 + households_per_village)
    serial = 0
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30, transport=transport) as client:
        try:
            await client.get("/healthz")
        except httpx.HTTPError:
            print(f"fupin seed: nothing answers at {url}; start it with `make run`", file=sys.stderr)
            return 1
        with tqdm(total=total, desc="seeding", unit="rec", disable=quiet) as bar:
            for county, county_name in COUNTIES.items():
                for v in range(1, villages_per_county + 1):
                    code = f"{county}{100 + v:03d}{200 + v:03d}"
                    category = CATEGORIES[(v - 1) % len(CATEGORIES)]
                    body = {
                        "code": code,
                        "name": f"{county_name}示范{v}村",
                        "township_name": f"示范{v}镇",
                        "categories": [category],
                        "paired_unit": "东莞市对口帮扶单位" if category.startswith("relatively") else None,
                        "characteristic_industry": rng.choice(list(INDUSTRIES)),
                    }
                    r = await client.post("/households/v1/villages", json=body, headers={"Idempotency-Key": f"seed-village-{code}"})
                    if r.status_code not in (200, 201, 409):
                        print(f"village {code}: {r.status_code} {r.text}", file=sys.stderr)
                        return 1
                    bar.update()
                    for h in range(1, households_per_village + 1):
                        members = []
                        for m in range(rng.randint(1, 5)):
                            serial += 1
                            birth = date(rng.randint(1950, 2015), rng.randint(1, 12), rng.randint(1, 28))
                            age = 2026 - birth.year
                            members.append(
                                {
                                    "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                                    "id_number": make_citizen_id(county, birth, serial),
                                    "relation": "head" if m == 0 else rng.choice(["spouse", "child", "parent"]),
                                    "birth_date": birth.isoformat(),
                                    "sex": rng.choice(["male", "female"]),
                                    "labour_capacity": "full" if 18 <= age <= 60 else ("partial" if age <= 70 and age >= 16 else "none"),
                                    "wishes_to_work_away": rng.random() < 0.3,
                                }
                            )
                        number = f"{code}{h:04d}"
                        r = await client.post(
                            "/households/v1/households",
                            json={
                                "household_number": number,
                                "village_code": code,
                                "registered_on": "2026-01-15",
                                "members": members,
                            },
                            headers={"Idempotency-Key": f"seed-household-{number}"},
                        )
                        if r.status_code not in (200, 201, 409):
                            print(f"household {number}: {r.status_code} {r.text}", file=sys.stderr)
                            return 1
                        bar.update()
    print(f"seeded {len(COUNTIES) * villages_per_county} villages in {len(COUNTIES)} counties into {url}", file=sys.stderr)
    return 0

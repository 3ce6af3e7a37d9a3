"""Applying a checked sheet in one transaction, with bulk inserts, and the import use case (dry run or apply)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import IO, Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.households import domain
from services.households.imports.check import Plan, check
from services.households.imports.schemas import ImportReport
from services.households.imports.sheet import read_rows
from services.households.registry.models import Household, HouseholdStatus, Member, MemberBase, MemberCapacity
from services.households.registry.schemas import MemberIn
from services.households.villages.models import Village
from shared.auth import Principal
from shared.events.households import HouseholdRegistered, MemberRegistered, VillageRegistered
from shared.ids import new_id
from shared.outbox import emit
from shared.pii import PiiVault
from shared.problems import InvalidInput
from shared.regions import county_of, township_of


async def apply(session: AsyncSession, vault: PiiVault, plan: Plan) -> None:
    """Bulk-insert the checked plan and record its facts (village, household, member registered)."""
    village_rows = [
        {"code": v["code"], "name": v["name"], "township_code": township_of(v["code"]), "township_name": v["township_name"],
         "county_code": county_of(v["code"]), "categories": [], "helpers": []}
        for v in plan.villages.values()
    ]  # fmt: skip
    household_ids = {number: new_id() for number in plan.households}
    household_rows = [{**h["household"].model_dump(), "id": household_ids[n]} for n, h in plan.households.items()]
    member_fields = set(MemberBase.model_fields)
    status_rows = [
        {"id": new_id(), "household_id": r["id"], "poverty_status": r["poverty_status"], "effective_on": r["registered_on"], "exit_year": r["exit_year"]}
        for r in household_rows
    ]
    member_rows = []
    for m in plan.members:
        given: MemberIn = m["member"]
        member_rows.append(
            {
                **given.model_dump(include=member_fields),
                "id": new_id(),
                "household_id": household_ids[m["household_number"]],
                "id_number_hash": m["id_hash"],
                "current_id_hash": m["id_hash"],
                "id_number_cipher": vault.encrypt(given.id_number),
                "phone_cipher": vault.encrypt(given.phone) if given.phone else None,
                "joined_on": m["registered_on"],
            }
        )
    capacity_rows = [{"id": new_id(), "member_id": r["id"], "labour_capacity": r["labour_capacity"], "effective_on": r["joined_on"]} for r in member_rows]
    for model, rows in (
        (Village, village_rows),
        (Household, household_rows),
        (HouseholdStatus, status_rows),
        (Member, member_rows),
        (MemberCapacity, capacity_rows),
    ):
        for start in range(0, len(rows), 5000):
            await session.execute(insert(model), rows[start : start + 5000])

    for v in village_rows:
        emit(
            session,
            VillageRegistered(
                village_code=v["code"], name=v["name"], township_code=v["township_code"], county_code=v["county_code"], township_name=v["township_name"]
            ),
        )
    members_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in member_rows:
        members_of[r["household_id"]].append(r)
    for h in household_rows:
        members = members_of[h["id"]]
        emit(
            session,
            HouseholdRegistered(
                household_id=h["id"],
                household_number=h["household_number"],
                village_code=h["village_code"],
                poverty_status=h["poverty_status"],
                registered_on=h["registered_on"],
                member_count=len(members),
                labour_count=sum(1 for m in members if m["labour_capacity"] in domain.WITH_LABOUR),
            ),
        )
        for m in members:
            emit(
                session,
                MemberRegistered(
                    member_id=m["id"],
                    household_id=h["id"],
                    village_code=h["village_code"],
                    name=m["name"],
                    birth_year=m["birth_date"].year,
                    sex=m["sex"],
                    labour_capacity=m["labour_capacity"],
                    wishes_to_work_away=m["wishes_to_work_away"],
                    is_party_member=m["is_party_member"],
                    is_village_cadre=m["is_village_cadre"],
                    joined_on=m["joined_on"],
                    relation=m["relation"],
                ),
            )


async def run_import(
    session: AsyncSession, principal: Principal, vault: PiiVault, *, filename: str, content: bytes | IO[bytes], dry_run: bool, today: date
) -> ImportReport:
    plan = await check(session, principal, vault, read_rows(filename, content), today=today)
    report = ImportReport(
        dry_run=dry_run,
        valid=not plan.error_count,
        applied=False,
        rows=plan.rows,
        villages_new=len(plan.villages),
        households=len(plan.households) if not plan.error_count else len(plan.numbers),
        members=len(plan.members) if not plan.error_count else plan.rows,
        errors=plan.errors,
        error_count=plan.error_count,
    )
    if plan.error_count and not dry_run:
        raise InvalidInput(
            f"导入文件有 {plan.error_count} 处错误，未导入任何数据",
            detail_en=f"the file has {plan.error_count} problems; nothing was imported",
            field="file",
            code="import_rejected",
            errors=[e.model_dump() for e in plan.errors],
            error_count=plan.error_count,
            report=report.model_dump(mode="json"),
        )
    if not dry_run:
        await apply(session, vault, plan)
        report.applied = True
    return report

"""Facts the training service publishes (topic ``<prefix>training``). No identity numbers, ever.

R7 (§3.2): every labourer has a training file; trained ≥2 times a year, each time ≥5 days, for
three consecutive years, and masters ≥1 practical skill. The ledger keeps the latest
``labourer_compliance_changed`` per member for its R7 and "every person has a way" indicators.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from shared.events.contracts import EventData, contract

# R8 (§3.3): the three course categories.
CourseCategory = Literal["agricultural_technique", "employment_skills", "cultural_literacy"]
# R7 status of a labourer for one calendar year (see docs/training.md).
ComplianceStatus = Literal["compliant", "on_track", "behind"]


@contract("training", "session_completed", 1, subject="member_id")
class SessionCompleted(EventData):
    """A training session ended; one fact per enrolled member with the days they attended.

    ``counted`` says whether the session counts towards R7 (≥5 attended days); ``year`` is the
    calendar year of the session's last day, the year it counts in.
    """

    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    session_id: str
    course_id: str
    industry: str = Field(description='a "453" industry id, or e_commerce / employment_skills / cultural_literacy')
    category: CourseCategory
    days_attended: int = Field(ge=0)
    year: int
    completed_on: date
    counted: bool
    example = {
        "member_id": "0192f0a4-7c3e-7000-8000-00000000a001",
        "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
        "village_code": "440232100201",
        "session_id": "0192f0a4-7c3e-7000-8000-00000000b001",
        "course_id": "0192f0a4-7c3e-7000-8000-00000000c001",
        "industry": "tea",
        "category": "agricultural_technique",
        "days_attended": 5,
        "year": 2026,
        "completed_on": "2026-04-10",
        "counted": True,
    }


@contract("training", "certificate_issued", 1, subject="member_id")
class CertificateIssued(EventData):
    """A member is certified as mastering a named practical skill (R7's "≥1 practical skill")."""

    certificate_id: str
    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    skill: str
    certified_by: str
    certified_on: date
    example = {
        "certificate_id": "0192f0a4-7c3e-7000-8000-00000000d001",
        "member_id": "0192f0a4-7c3e-7000-8000-00000000a001",
        "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
        "village_code": "440232100201",
        "skill": "茶叶加工",
        "certified_by": "乳源瑶族自治县农业农村局",
        "certified_on": "2026-05-20",
    }


@contract("training", "labourer_compliance_changed", 1, subject="member_id")
class LabourerComplianceChanged(EventData):
    """A labourer's R7 status for ``year`` changed; the latest fact per (member, year) is the truth.

    ``counted_sessions``: sessions of ≥5 attended days in ``year``; ``consecutive_years``: the run
    of years with ≥2 counted sessions ending at ``year`` (0 when ``year`` itself falls short);
    ``has_skill``: a skill certified on or before 31 December of ``year``.
    """

    member_id: str
    household_id: str
    village_code: str = Field(min_length=12, max_length=12)
    year: int
    status: ComplianceStatus
    counted_sessions: int = Field(ge=0)
    consecutive_years: int = Field(ge=0)
    has_skill: bool
    example = {
        "member_id": "0192f0a4-7c3e-7000-8000-00000000a001",
        "household_id": "0192f0a4-7c3e-7000-8000-1a2b3c4d5e6f",
        "village_code": "440232100201",
        "year": 2026,
        "status": "on_track",
        "counted_sessions": 2,
        "consecutive_years": 1,
        "has_skill": False,
    }

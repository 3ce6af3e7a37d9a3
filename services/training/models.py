"""Every table of the training service, from its aggregates' packages: ``Base.metadata`` is what Alembic reads."""

from __future__ import annotations

from services.training.catalogue.models import Course
from services.training.compliance.models import Certificate, Compliance
from services.training.fields import TrainingTable
from services.training.members.models import KnownMember, KnownVillage
from services.training.sessions.models import Attendance, Enrolment, TrainingSession

Base = TrainingTable  # ``Base.metadata``: what Alembic, the outbox and the tests read

__all__ = ["Attendance", "Base", "Certificate", "Compliance", "Course", "Enrolment", "KnownMember", "KnownVillage", "TrainingSession"]

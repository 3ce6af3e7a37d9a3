"""Versioned event contracts: small immutable past-tense facts, imported by producers and consumers alike.

A contract is a Pydantic model registered under its CloudEvents ``type``
``fupin.<service>.<fact>.v<N>``. A published version never changes; a new shape is a new version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

REGISTRY: dict[str, type[EventData]] = {}


class EventData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    service: ClassVar[str]
    # Name of the field whose value identifies the subject of the fact (e.g. "household_id").
    subject_field: ClassVar[str | None] = None
    example: ClassVar[dict[str, Any] | None] = None

    def subject(self) -> str | None:
        if self.subject_field:
            value = getattr(self, self.subject_field, None)
            return str(value) if value is not None else None
        return None

    def partition_key(self) -> str | None:
        """Kafka key: the household where the fact has one, so one household's events keep their order."""
        household = getattr(self, "household_id", None)
        if household:
            return str(household)
        income = getattr(self, "income", None)
        if income is not None and getattr(income, "household_id", None):
            return str(income.household_id)
        return self.subject()


E = TypeVar("E", bound=type[EventData])


def contract(service: str, fact: str, version: int = 1, *, subject: str | None = None) -> Callable[[E], E]:
    """Register an event contract: ``@contract("households", "household_registered", 1, subject="household_id")``."""

    def register(cls: E) -> E:
        event_type = f"fupin.{service}.{fact}.v{version}"
        if event_type in REGISTRY:
            raise RuntimeError(f"event type {event_type} registered twice")
        cls.event_type = event_type
        cls.service = service
        cls.subject_field = subject
        REGISTRY[event_type] = cls
        return cls

    return register


def parse_data(event_type: str, data: dict[str, Any]) -> EventData | None:
    """The typed fact of an envelope, or None for a type this code base does not know."""
    cls = REGISTRY.get(event_type)
    return cls.model_validate(data) if cls else None

"""Who is asking: a role and a scope (a division-code prefix or an entity id), as plain values.

Free of the web framework and of tokens, so the outbox and domain code can name a principal;
``shared.auth`` verifies the bearer token that yields one and decides region scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    city_admin = "city_admin"
    county_officer = "county_officer"
    township_officer = "township_officer"
    village_cadre = "village_cadre"
    entity_operator = "entity_operator"
    trainer = "trainer"
    auditor = "auditor"


REGION_ROLES = {Role.county_officer: 6, Role.township_officer: 9, Role.village_cadre: 12}
# Roles that need the full identity number of the people they register and serve.
FULL_PII_ROLES = {Role.city_admin, Role.village_cadre}


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    scope: str | None = None
    name: str | None = None

    @property
    def is_system(self) -> bool:
        return self.subject.startswith("system:")

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.city_admin, Role.auditor) or (self.role == Role.trainer and not self.scope)

    def region_allows(self, code: str | None) -> bool:
        if self.sees_everything:
            return True
        if self.role in REGION_ROLES or self.role == Role.trainer:
            return bool(code and self.scope and code.startswith(self.scope))
        return False

    def entity_allows(self, entity_id: str | None) -> bool:
        return self.role == Role.entity_operator and entity_id is not None and entity_id == self.scope

    @property
    def sees_full_pii(self) -> bool:
        return self.role in FULL_PII_ROLES


SYSTEM = Principal(subject="system:fupin", role=Role.city_admin)


def validate_scope(role: Role, scope: str | None) -> str | None:
    """A region role's scope is a division code of the right length; an entity operator's is an entity id."""
    if role in REGION_ROLES:
        digits = REGION_ROLES[role]
        if not scope or not scope.isdigit() or len(scope) != digits:
            raise ValueError(f"{role} needs a {digits}-digit division code as scope")
    if role == Role.entity_operator and not scope:
        raise ValueError("entity_operator needs an operating entity id as scope")
    if role in (Role.city_admin, Role.auditor) and scope:
        raise ValueError(f"{role} has the whole city; give no scope")
    return scope

"""Event contracts of every service. Importing this package registers every contract module in it."""

import importlib
import pkgutil

from shared.events.contracts import REGISTRY, EventData, contract, parse_data
from shared.events.envelope import GENESIS_HASH, canonical_json, event_hash, seal, verify_chain
from shared.events.income import BENEFIT_TYPES, BenefitType, IncomeLine, Lineage

_FRAMEWORK = {"contracts", "envelope", "income"}
for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _FRAMEWORK:
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "BENEFIT_TYPES",
    "GENESIS_HASH",
    "REGISTRY",
    "BenefitType",
    "EventData",
    "IncomeLine",
    "Lineage",
    "canonical_json",
    "contract",
    "event_hash",
    "parse_data",
    "seal",
    "verify_chain",
]

"""Embedded mode: every service in one process under its prefix, each on its own SQLite file."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

from shared.service import ServiceSpec, build_app
from shared.settings import SERVICES, FupinSettings


def service_spec(name: str) -> ServiceSpec:
    spec: ServiceSpec = importlib.import_module(f"services.{name}.app").SPEC
    return spec


def all_specs() -> list[ServiceSpec]:
    return [service_spec(name) for name in SERVICES]


def create_app(settings: FupinSettings | None = None) -> FastAPI:
    return build_app(all_specs(), settings, title="Fupin — 韶关市产业精准扶贫平台")

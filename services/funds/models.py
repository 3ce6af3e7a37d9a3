"""Tables of the funds service (its own database; nobody else writes it)."""

from __future__ import annotations

from shared.db import make_base

Base = make_base("funds")

"""Shared by the proof tests: the auditor's verifier (loaded from its file, as an auditor has it)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "verifier" / "fupin_verify.py"


def load_verifier():
    if "fupin_verify" in sys.modules:
        return sys.modules["fupin_verify"]
    spec = importlib.util.spec_from_file_location("fupin_verify", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    sys.modules["fupin_verify"] = module
    spec.loader.exec_module(module)
    return module


fv = load_verifier()

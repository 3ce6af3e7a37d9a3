"""The layers import downwards only: shared and policy know no service, services know not the program above them.

``shared`` (the library) and ``policy`` (the rules) are imported by every service; ``fupin`` (the
command line and the embedded app) is the one package that names the services. Domain code raises
plain errors (``shared.errors``) and loads no web framework or token library.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, including ``import_module("...")`` literals."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__"):
            for arg in node.args[:1]:
                if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                    found.add(str(arg.values[0].value))
                elif isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def offending(package: str, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for module in sorted(imported_modules(path)):
            if any(module == f or module.startswith(f + ".") for f in forbidden):
                out.append(f"{path.relative_to(ROOT)} imports {module}")
    return out


def test_the_import_check_sees_top_level_lazy_and_dynamic_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import services.funds\nfrom services.households import app\n"
        "def f():\n    from fupin.embedded import create_app\n    importlib.import_module(f'services.{name}.cli')\n"
    )
    assert imported_modules(probe) >= {"services.funds", "services.households", "fupin.embedded", "services."}


@pytest.mark.parametrize("package", ["shared", "policy"])
def test_the_libraries_import_no_service_and_not_the_program(package: str) -> None:
    assert offending(package, ("services", "fupin")) == []


def test_services_do_not_import_the_program_above_them() -> None:
    assert offending("services", ("fupin",)) == []


def test_policy_rules_import_no_web_framework_or_database() -> None:
    assert offending("policy", ("fastapi", "starlette", "sqlalchemy")) == []


FRAMEWORK_FREE = sorted(
    {"shared.errors", "shared.identity", "shared.outbox", "shared.money", "shared.bounds"}
    | {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "services").rglob("domain.py")}
    | {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "policy").rglob("*.py") if p.name != "__init__.py"}
)


@pytest.mark.parametrize("module", FRAMEWORK_FREE)
def test_domain_code_and_the_outbox_load_no_web_framework_or_token_code(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette', 'jwt', 'fupin')}"
        " | ({'shared.auth'} & set(sys.modules)))))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [], f"importing {module} loads {done.stdout.strip()}"


def test_the_errors_domain_code_raises_are_the_ones_the_edge_maps() -> None:
    from shared import errors, problems

    assert problems.RuleViolation is errors.RuleViolation
    violation = errors.RuleViolation("R9", "贫困户分配不足", detail_en="poor households' share too small", field="poor_share_bp")
    assert violation.status == 422
    assert violation.body("en") == {
        "type": "urn:fupin:problem:policy_rule_violated",
        "title": "Policy rule violated",
        "status": 422,
        "code": "policy_rule_violated",
        "detail": "poor households' share too small",
        "field": "poor_share_bp",
        "rule": "R9",
    }

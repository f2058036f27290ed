"""The dependency rule (docs/DESIGN.md) holds, and the contract that holds it is
strict: a new import against it, direct or through another module, fails."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"
APPS = ("mentorship", "programs", "matching", "surveys", "api", "security")


def lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT)], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_the_tree_keeps_every_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("tree")
    for app in APPS:
        shutil.copytree(ROOT / app, target / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


@pytest.mark.parametrize(
    "module, line, broken",
    [
        # A lower layer importing a higher one.
        ("mentorship/models/people.py", "from mentorship.views import home", "layers point one way"),
        ("mentorship/selectors/people.py", "from mentorship.services import notify", "layers point one way"),
        # The core reaching into matching or surveys.
        ("mentorship/services/invitations.py", "import matching.selectors", "never imports matching or surveys"),
        ("mentorship/views/home.py", "from surveys import models", "never imports matching or surveys"),
        # programs importing an app built on it.
        ("programs/services.py", "from mentorship.models import User", "programs imports none of the other apps"),
        # matching and surveys knowing each other.
        ("surveys/services.py", "import matching.models", "never import each other"),
        # security reaching up into the apps it serves.
        ("security/services.py", "from mentorship.models import User", "security (audit, sign-in lockout"),
    ],
)
def test_an_import_against_the_rule_fails(copy, module, line, broken):
    path = copy / module
    original = path.read_text()
    path.write_text(original + f"\n{line}  # noqa\n")
    try:
        result = lint(copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    assert broken in result.stdout.replace("\n", " ")


def test_every_email_is_sent_by_the_one_sender():
    """Only services/notifications.py talks to Django's mail (email_send, with the
    frequency rule in front of it); import-linter cannot name a part of Django."""
    import ast

    senders = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                elif isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                if any(name.startswith("django.core.mail") for name in names):
                    senders.add(str(path.relative_to(ROOT)))
    assert senders == {"mentorship/services/notifications.py"}

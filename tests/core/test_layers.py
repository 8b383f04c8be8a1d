"""The layering rules in pyproject.toml hold, and they fail when a module breaks them."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_code_keeps_its_layers():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def copy_of_the_code(tmp_path: Path) -> Path:
    for package in ("naervaer", "actions", "bot"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.yaml", "*.mo", "*.po"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


@pytest.mark.parametrize(("module", "line", "reported"), [
    ("naervaer/conversations/sneaky.py", "from naervaer.models import Pupil\n",
     "naervaer.conversations.sneaky -> naervaer.models"),
    ("naervaer/sneaky.py", "import bot.main\n", "naervaer.sneaky -> bot.main"),
    ("naervaer/sneaky.py", "from rasa_sdk import Action\n", "naervaer.sneaky -> rasa_sdk"),
    ("actions/sneaky.py", "from naervaer.models import Pupil\n", "actions.sneaky -> naervaer.models"),
    ("bot/sneaky.py", "from sqlalchemy import select\n", "bot.sneaky -> sqlalchemy"),
])
def test_a_module_that_breaks_a_layer_fails_the_check(copy_of_the_code: Path, module: str, line: str, reported: str):
    (copy_of_the_code / module).write_text(f'"""A module that breaks the rules."""\n{line}', encoding="utf-8")
    result = lint(copy_of_the_code)
    assert result.returncode != 0
    assert reported in result.stdout.split("Broken contracts", 1)[-1]


def test_an_import_for_type_hints_only_is_allowed(copy_of_the_code: Path):
    (copy_of_the_code / "naervaer/conversations/hinted.py").write_text(
        "from __future__ import annotations\nfrom typing import TYPE_CHECKING\n\n"
        "if TYPE_CHECKING:\n    from naervaer.models import Pupil\n", encoding="utf-8")
    result = lint(copy_of_the_code)
    assert "Contracts:" in result.stdout
    assert "hinted" not in result.stdout

"""The README's run command picks the persona it says: `make demo` chats as the parent, `make demo
AS=teacher` as the teacher (AS is also make's built-in name for the assembler)."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from naervaer.settings import PROJECT_ROOT


def demo_command(*args: str, env: dict[str, str] | None = None) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    clean = {k: v for k, v in os.environ.items() if k not in {"AS", "MAKEFLAGS", "MAKELEVEL"}}
    result = subprocess.run(["make", "-n", "demo", *args], cwd=PROJECT_ROOT, env={**clean, **(env or {})},
                            capture_output=True, text=True, check=True)
    return next(line for line in result.stdout.splitlines() if "naervaer demo" in line)


def test_make_demo_chats_as_the_parent_by_default():
    assert demo_command().endswith("demo --as parent")


def test_the_persona_can_be_chosen_on_the_command_line_or_in_the_environment():
    assert demo_command("AS=teacher").endswith("demo --as teacher")
    assert demo_command(env={"AS": "principal"}).endswith("demo --as principal")

"""The README's import example, run as written, fills the store."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]


def readme_example() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- import-example -->\s*```bash\n(.*?)```", readme, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("make ")]


def test_readme_import_example_fills_the_store(tmp_path):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'store.db'}")
    outputs = []
    for line in readme_example():
        result = subprocess.run(line, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (line, result.stdout, result.stderr)
        outputs.append(result.stdout)
    assert "Importert: 22 nye" in outputs[0] and "Importert: 8 nye" in outputs[1]
    assert outputs[2].startswith("Code: ")
    engine = create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pupils")).scalar() == 4
        assert conn.execute(text("SELECT count(*) FROM absence_records")).scalar() == 8
        assert conn.execute(text("SELECT count(*) FROM invite_codes")).scalar() == 1

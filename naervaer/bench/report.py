"""Printing benchmark rows as a table and keeping them as JSON."""
from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from pathlib import Path


def table(rows: list[dict], columns: list[str]) -> str:
    widths = {c: max([len(c), *(len(str(r.get(c, ""))) for r in rows)]) for c in columns}
    line = " | ".join(c.ljust(widths[c]) for c in columns)
    sep = "-|-".join("-" * widths[c] for c in columns)
    body = [" | ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join([line, sep, *body])


def write_json(path: Path, section: str, rows: list[dict], extra: dict | None = None) -> None:
    """Replace one section of the JSON file (other sections are kept); `extra` adds keys beside rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[section] = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                                 "load_average": list(__import__("os").getloadavg())},
                     "rows": rows, **(extra or {})}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))

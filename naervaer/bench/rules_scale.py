"""The rules engine at municipality scale: all flags on one date, and one pupil's status."""
from __future__ import annotations

import random
import statistics
import time
from datetime import date

from sqlalchemy import text
from sqlalchemy.engine import make_url

from naervaer.access import system_grant, system_scope
from naervaer.bench import municipality
from naervaer.case_status import pupil_status
from naervaer.db import make_engine, session_scope
from naervaer.flags import flags_for_municipality
from naervaer.models import Pupil


def backend_url(backend: str, var_dir, pg_url: str) -> str:
    if backend == "sqlite":
        path = var_dir / "bench" / "municipality.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text('DROP SCHEMA IF EXISTS "naervaer_bench" CASCADE'))
        conn.execute(text('CREATE SCHEMA "naervaer_bench"'))
    admin.dispose()
    return make_url(pg_url).update_query_dict({"options": "-csearch_path=naervaer_bench"}).render_as_string(
        hide_password=False)


def run(backend: str, n_pupils: int, on: date, var_dir, pg_url: str, status_samples: int = 200) -> dict:
    engine = make_engine(backend_url(backend, var_dir, pg_url))
    started = time.perf_counter()
    records = municipality.build(engine, n_pupils, on)
    build_s = time.perf_counter() - started

    with session_scope(engine) as session:  # warm caches (guides, calendars) as a running server has them
        flags_for_municipality(session, system_scope(session, "bench"), "nobody", on)
    runs = []
    for _ in range(3):
        with session_scope(engine) as session:
            scope = system_scope(session, "bench")
            t0 = time.perf_counter()
            flagged = flags_for_municipality(session, scope, municipality.MUNICIPALITY, on)
            runs.append(time.perf_counter() - t0)

    rng = random.Random(1)
    sample = rng.sample(range(1, n_pupils + 1), min(status_samples, n_pupils))
    timings = []
    with session_scope(engine) as session:
        pupil_status(session, system_grant(session, session.get(Pupil, sample[0]), "bench"), on)
        for pid in sample:
            grant = system_grant(session, session.get(Pupil, pid), "bench")
            t0 = time.perf_counter()
            pupil_status(session, grant, on)
            timings.append((time.perf_counter() - t0) * 1000)
    engine.dispose()
    timings.sort()
    return {
        "backend": backend, "pupils": n_pupils, "schools": 40, "records": records, "build_s": round(build_s, 1),
        "flags_all_s_median": round(statistics.median(runs), 3), "flags_all_s_runs": [round(r, 3) for r in runs],
        "flagged_pupils": len(flagged),
        "status_ms_median": round(statistics.median(timings), 2),
        "status_ms_p95": round(timings[int(len(timings) * 0.95) - 1], 2),
    }

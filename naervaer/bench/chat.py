"""The chat benchmark: turns of our stack and of the `rasa init` reference side by side, and the peak
memory of the servers and the Telegram bot after that load.

`run(...)` returns the rows for the `turns` and `memory` sections; naervaer.cli's `bench` prints and
writes them (naervaer.bench.report).
"""
from __future__ import annotations

import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from naervaer import services
from naervaer.bench import breakdown, memory, our_stack, reference_bot, turns
from naervaer.bench.turns import Press, Say, SenderPool, TurnKind
from naervaer.db import make_engine

# --- the turns measured ----------------------------------------------------------------------------

OURS = {
    "guide": TurnKind("guide question (teacher: «når skal jeg bli bekymret?»)", Say("når skal jeg bli bekymret?"),
                      sender_prefix="bench-teacher"),
    "status": TurnKind("pupil status, reads the store (teacher: «hva nå med Ida Hansen?»)",
                       Say("hva nå med Ida Hansen?"), expect="Ida", sender_prefix="bench-teacher"),
    "count": TurnKind("absence count, reads the store (parent: «hvor mye fravær har Ida?»)",
                      Say("hvor mye fravær har Ida?"), expect="hele dager", sender_prefix="bench-parent"),
    "form": TurnKind("form step (parent: «Ida er syk i dag», then the timed press of «Hele dagen»)",
                     Press("Hele dagen"), before=(Say("Ida er syk i dag"),), after=(Press("Nei"),),
                     expect="Stemmer det?", sender_prefix="bench-parent"),
}
REFERENCE = {
    "response": TurnKind("response only («hello»)", Say(reference_bot.RESPONSE_TEXT), sender_prefix="ref"),
    "custom": TurnKind("one custom action («are you a bot?»)", Say(reference_bot.CUSTOM_ACTION_TEXT),
                       expect=reference_bot.CUSTOM_ACTION_REPLY, sender_prefix="ref"),
}
# The turns of the throughput runs. Ours: the absence count (reads the store, one custom action: the same
# shape as the reference's turn) and the pupil status (reads more and draws a chart). Reference: its
# custom-action turn.
OUR_LOAD_KINDS, REFERENCE_LOAD_KIND = ("count", "status"), "custom"
STORE_KINDS = ("count", "status")  # the store-reading turns of the targets
LEVELS = (1, 8, 16, 32)
NOTES_REFERENCE = {"custom_median_ms": 138, "turns_per_s_16": 14.5}  # /work/shared/notes/rasa-engine.md


@dataclass
class Options:
    levels: tuple[int, ...] = LEVELS
    latency_samples: int = 30      # timed turns per kind, one client
    warmup: int = 3                # untimed turns per kind first
    level_turns: int = 96          # turns per throughput level in all (at least 3 per client)
    deadline_s: float = 60.0       # a level (or a latency run) stops sending new turns after this
    reference: bool = True
    telegram: bool = True
    # The production shape beside the embedded default: two Rasa servers sharing a PostgreSQL tracker
    # store (a schema of its own in pg_url) and a Redis lock store; skipped when either is not reachable.
    pg_url: str | None = None
    redis_url: str = "redis://127.0.0.1:6379/1"
    log: Callable[[str], None] = print


@dataclass
class ChatResult:
    turn_rows: list[dict] = field(default_factory=list)
    memory_rows: list[dict] = field(default_factory=list)
    breakdowns: dict[str, dict] = field(default_factory=dict)
    parse_ms: dict[str, dict] = field(default_factory=dict)
    telegram: dict = field(default_factory=dict)
    reference_training_s: float | None = None


def _latency(url: str, key: str, kind: TurnKind, bot: str, opts: Options, pool: SenderPool,
             events: Callable[[str], list[breakdown.Event]], result: ChatResult) -> None:
    turns.measure(url, kind, clients=1, turns_per_client=opts.warmup, pool=SenderPool(f"w{pool.run}"))
    samples: list[tuple[str, turns.TurnResult]] = []
    load = turns.measure(url, kind, clients=1, turns_per_client=opts.latency_samples, pool=pool,
                         deadline_s=opts.deadline_s, on_result=lambda s, r: samples.append((s, r)))
    result.turn_rows.append({"bot": bot, "measure": "latency", "kind": key, "what": kind.name, **load.row()})
    split = []
    for sender, sample in samples:
        try:
            segments = breakdown.split_turn(events(sender), sample.started, sample.ended)
        except Exception:  # noqa: BLE001 - the breakdown is a help, never a reason to fail the bench
            segments = None
        if segments:
            split.append(segments)
    if split:
        result.breakdowns[f"{bot}:{key}"] = breakdown.median_segments(split)
    opts.log(f"  {bot} {key}: median {load.row()['median_ms']} ms, p95 {load.row()['p95_ms']} ms, "
             f"errors {load.errors}")


def _throughput(url: str | list[str], kind_key: str, kind: TurnKind, bot: str, opts: Options, run: str,
                result: ChatResult) -> None:
    for clients in opts.levels:
        per_client = turns.turns_per_client(clients, opts.level_turns)
        load = turns.measure(url, kind, clients=clients, turns_per_client=per_client,
                             pool=SenderPool(f"{run}c{clients}"), deadline_s=opts.deadline_s)
        result.turn_rows.append({"bot": bot, "measure": "throughput", "kind": kind_key, "what": kind.name,
                                 **load.row()})
        opts.log(f"  {bot} {clients} conversations: {load.turns_per_s:.1f} turns/s, "
                 f"p95 {load.row()['p95_ms']} ms, errors {load.errors}")


def _link_all(stack: our_stack.OurStack, opts: Options) -> None:
    """Every sender id the runs below use, linked to its demo person up front (one conversation each)."""
    wanted: dict[str, set[str]] = {}
    for key, kind in OURS.items():
        ids = SenderPool("w" + key).all_senders(kind.sender_prefix, 1, opts.warmup)
        ids += SenderPool(key).all_senders(kind.sender_prefix, 1, opts.latency_samples)
        wanted.setdefault(kind.sender_prefix, set()).update(ids)
    for key in OUR_LOAD_KINDS:
        kind = OURS[key]
        for clients in opts.levels:
            ids = SenderPool(f"load{key}c{clients}").all_senders(kind.sender_prefix, clients,
                                                                 turns.turns_per_client(clients, opts.level_turns))
            wanted[kind.sender_prefix].update(ids)
    wanted["bench-teacher"].update(SenderPool("warmload").all_senders("bench-teacher", 8, 3))
    for prefix, ids in wanted.items():
        stack.link(prefix, sorted(ids))


def run_ours(model: Path, opts: Options, result: ChatResult, *, do_turns: bool, do_memory: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="naervaer-bench-") as tmp:
        opts.log("starting our stack (action server, Rasa server) ...")
        with our_stack.running(Path(tmp) / "var", model) as stack:
            _link_all(stack, opts)
            if do_turns:
                for key, kind in OURS.items():
                    _latency(stack.url, key, kind, "naervaer", opts, SenderPool(key),
                             lambda s: breakdown.events_from_sqlite(stack.tracker_db, s), result)
                for key in OUR_LOAD_KINDS:
                    _throughput(stack.url, key, OURS[key], "naervaer", opts, f"load{key}", result)
            else:  # memory only: some load first, so the peak means something
                turns.measure(stack.url, OURS["status"], clients=8, turns_per_client=3, pool=SenderPool("warmload"))
            if do_memory:
                if opts.telegram:
                    opts.log("starting the Telegram bot against the fake Bot API ...")
                    from naervaer.bench import telegram_load

                    with telegram_load.running_bot(stack.settings, stack.engine) as bot:
                        result.telegram = {k: v for k, v in bot.items() if k != "child"}
                        result.memory_rows.append({"bot": "naervaer", "process": "Telegram bot (python -m bot)",
                                                   **memory.peak_memory(bot["child"].process.pid)})
                for name, child in (("Rasa server (rasa run)", stack.rasa), ("action server (rasa_sdk)", stack.actions)):
                    result.memory_rows.append({"bot": "naervaer", "process": name,
                                               **memory.peak_memory(child.process.pid)})


SCALED, SCALED_KIND = "naervaer-2-servers", "count"
TRACKER_SCHEMA = "naervaer_bench_tracker"


@contextmanager
def _tracker_schema(pg_url: str) -> Iterator[str]:
    """An empty schema for Rasa's tracker store, as a URL Rasa's SQLAlchemy 1.4 (psycopg2) takes."""
    admin = make_engine(pg_url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{TRACKER_SCHEMA}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{TRACKER_SCHEMA}"'))
        yield make_url(pg_url).set(drivername="postgresql").update_query_dict(
            {"options": f"-csearch_path={TRACKER_SCHEMA}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{TRACKER_SCHEMA}" CASCADE'))
        admin.dispose()


def _reachable(pg_url: str, redis_url: str) -> bool:
    try:
        with make_engine(pg_url).connect():
            pass
        redis = urlsplit(redis_url)
        with socket.create_connection((redis.hostname, redis.port or 6379), timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except (OSError, SQLAlchemyError):
        return False


def run_ours_scaled(model: Path, opts: Options, result: ChatResult) -> None:
    """The count turn's throughput on the deployment the README recommends (one action server)."""
    if not opts.pg_url or not _reachable(opts.pg_url, opts.redis_url):
        opts.log("two Rasa servers: skipped (PostgreSQL or Redis not reachable)")
        return
    opts.log("starting our stack with two Rasa servers (PostgreSQL tracker store, Redis lock store) ...")
    kind = OURS[SCALED_KIND]
    with _tracker_schema(opts.pg_url) as tracker, tempfile.TemporaryDirectory(prefix="naervaer-bench-2-") as tmp, \
            our_stack.running(Path(tmp) / "var", model, servers=2, tracker_store_url=tracker,
                              lock_store_url=opts.redis_url) as stack:
        ids = {sender for clients in opts.levels for sender in SenderPool(f"load2c{clients}").all_senders(
            kind.sender_prefix, clients, turns.turns_per_client(clients, opts.level_turns))}
        stack.link(kind.sender_prefix, sorted(ids | set(SenderPool("warm2").all_senders(kind.sender_prefix, 2, 3))))
        turns.measure(stack.urls, kind, clients=2, turns_per_client=3, pool=SenderPool("warm2"))
        _throughput(stack.urls, SCALED_KIND, kind, SCALED, opts, "load2", result)


def run_reference(opts: Options, result: ChatResult, *, do_turns: bool, do_memory: bool) -> None:
    with reference_bot.project() as folder:
        model, trained_s = reference_bot.trained_model(folder)
        result.reference_training_s = trained_s
        opts.log(f"reference model: {model.name}" + (f" (trained in {trained_s:.0f} s)" if trained_s else " (cached)"))
        with tempfile.TemporaryDirectory(prefix="naervaer-bench-ref-") as tmp:
            port, actions_port = services.free_port(), services.free_port()
            with reference_bot.serving(folder, model, rasa_port=port, actions_port=actions_port,
                                       log_dir=Path(tmp) / "logs") as (actions, rasa):
                url = f"http://127.0.0.1:{port}"
                if do_turns:
                    for key, kind in REFERENCE.items():
                        _latency(url, key, kind, "reference", opts, SenderPool(key),
                                 lambda s: breakdown.events_from_api(url, s), result)
                    import asyncio

                    result.parse_ms["reference"] = asyncio.run(turns.parse_times(
                        url, [reference_bot.RESPONSE_TEXT, reference_bot.CUSTOM_ACTION_TEXT]))
                    _throughput(url, REFERENCE_LOAD_KIND, REFERENCE[REFERENCE_LOAD_KIND], "reference", opts,
                                "load", result)
                else:
                    turns.measure(url, REFERENCE["custom"], clients=8, turns_per_client=3, pool=SenderPool("warmload"))
                if do_memory:
                    for name, child in (("Rasa server (rasa run)", rasa), ("action server (rasa run actions)", actions)):
                        result.memory_rows.append({"bot": "reference", "process": name,
                                                   **memory.peak_memory(child.process.pid)})


def run(model: Path, opts: Options, *, do_turns: bool, do_memory: bool) -> ChatResult:
    result = ChatResult()
    started = time.monotonic()
    run_ours(model, opts, result, do_turns=do_turns, do_memory=do_memory)
    if do_turns:
        run_ours_scaled(model, opts, result)
    if opts.reference:
        run_reference(opts, result, do_turns=do_turns, do_memory=do_memory)
    opts.log(f"chat benchmark: {time.monotonic() - started:.0f} s")
    return result


# --- the side-by-side table ------------------------------------------------------------------------


def _find(rows: list[dict], bot: str, measure: str, kind: str, clients: int | None = None) -> dict | None:
    return next((r for r in rows if r["bot"] == bot and r["measure"] == measure and r["kind"] == kind
                 and (clients is None or r["clients"] == clients)), None)


def _lat(row: dict | None) -> str:
    return "–" if row is None else f"{row['median_ms']:.0f} / {row['p95_ms']:.0f}" + (
        f" ({row['errors']} errors)" if row["errors"] else "")


def _thr(row: dict | None) -> str:
    return "–" if row is None else f"{row['turns_per_s']:.1f} turns/s, p95 {row['p95_ms']:.0f} ms, {row['errors']} errors"


def side_by_side(rows: list[dict]) -> list[dict]:
    """One row per measure, with our figure and the reference's in two columns."""
    ref = "reference (rasa init)"
    out = [{"measure": "turn, median / p95 ms, one client", "Nærvær": "", ref: ""}]
    for key, kind in OURS.items():
        out.append({"measure": f"  {kind.name}", "Nærvær": _lat(_find(rows, "naervaer", "latency", key)), ref: "–"})
    for key, kind in REFERENCE.items():
        out.append({"measure": f"  {kind.name}", "Nærvær": "–", ref: _lat(_find(rows, "reference", "latency", key))})
    levels = sorted({r["clients"] for r in rows if r["measure"] == "throughput"})
    for n_kind, key in enumerate(OUR_LOAD_KINDS):
        out.append({"measure": f"throughput, ours: {key} turn" + (
            "; reference: custom-action turn" if n_kind == 0 else ""), "Nærvær": "", ref: ""})
        for n in levels:
            out.append({"measure": f"  {n} concurrent conversations",
                        "Nærvær": _thr(_find(rows, "naervaer", "throughput", key, n)),
                        ref: _thr(_find(rows, "reference", "throughput", REFERENCE_LOAD_KIND, n)) if n_kind == 0 else ""})
    if any(r["bot"] == SCALED for r in rows):
        out.append({"measure": f"throughput, ours on two Rasa servers (PostgreSQL tracker store, Redis lock store): "
                               f"{SCALED_KIND} turn", "Nærvær": "", ref: ""})
        for n in levels:
            out.append({"measure": f"  {n} concurrent conversations",
                        "Nærvær": _thr(_find(rows, SCALED, "throughput", SCALED_KIND, n)), ref: ""})
    return out


def targets(rows: list[dict]) -> dict:
    """The issue's targets for each store-reading turn of ours, with whether they are met (None: not measured).
    1: our median store-reading turn <= the reference's custom-action turn median;
    2: our throughput at 32 conversations >= 2 x the reference's, with zero errors."""
    ref_custom = _find(rows, "reference", "latency", "custom")
    ref_32 = _find(rows, "reference", "throughput", REFERENCE_LOAD_KIND, 32)
    out = {}
    for key in STORE_KINDS:
        ours = _find(rows, "naervaer", "latency", key)
        ours_32 = _find(rows, "naervaer", "throughput", key, 32)
        out[f"latency_{key}"] = {
            "ours_median_ms": ours and ours["median_ms"], "reference_custom_median_ms": ref_custom and ref_custom["median_ms"],
            "met": None if not (ours and ref_custom) else ours["median_ms"] <= ref_custom["median_ms"] and not ours["errors"]}
        out[f"throughput32_{key}"] = {
            "ours_turns_per_s": ours_32 and ours_32["turns_per_s"], "ours_errors": ours_32 and ours_32["errors"],
            "reference_turns_per_s": ref_32 and ref_32["turns_per_s"],
            "met": None if not (ours_32 and ref_32) else
            ours_32["turns_per_s"] >= 2 * ref_32["turns_per_s"] and ours_32["errors"] == 0}
    scaled_32 = _find(rows, SCALED, "throughput", SCALED_KIND, 32)
    out[f"throughput32_{SCALED_KIND}_two_servers"] = {
        "ours_turns_per_s": scaled_32 and scaled_32["turns_per_s"], "ours_errors": scaled_32 and scaled_32["errors"],
        "reference_turns_per_s": ref_32 and ref_32["turns_per_s"],
        "met": None if not (scaled_32 and ref_32) else
        scaled_32["turns_per_s"] >= 2 * ref_32["turns_per_s"] and scaled_32["errors"] == 0}
    return out


def describe_targets(t: dict) -> list[str]:
    def verdict(met: bool | None) -> str:
        return "not measured" if met is None else "MET" if met else "NOT MET"

    lines = []
    for key in STORE_KINDS:
        a = t[f"latency_{key}"]
        lines.append(f"target 1 ({key} turn): our median {a['ours_median_ms']} ms <= the reference's custom-action "
                     f"turn median {a['reference_custom_median_ms']} ms: {verdict(a['met'])}")
    for key in STORE_KINDS:
        b = t[f"throughput32_{key}"]
        lines.append(f"target 2 ({key} turn): our throughput at 32 conversations {b['ours_turns_per_s']} turns/s "
                     f"({b['ours_errors']} errors) >= 2 x the reference's {b['reference_turns_per_s']} turns/s, "
                     f"zero errors: {verdict(b['met'])}")
    c = t[f"throughput32_{SCALED_KIND}_two_servers"]
    lines.append(f"target 2 ({SCALED_KIND} turn, two Rasa servers): {c['ours_turns_per_s']} turns/s "
                 f"({c['ours_errors']} errors) >= 2 x the reference's {c['reference_turns_per_s']} turns/s, "
                 f"zero errors: {verdict(c['met'])}")
    return lines

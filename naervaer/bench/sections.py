"""The sections of `naervaer bench`: each prints its table and writes its part of the JSON file.

    rules   the rules engine at municipality scale (builds synthetic municipalities: slow)
    turns   chat turns of our stack and of the `rasa init` reference, side by side, with the targets
    memory  peak resident memory of the Rasa server, the action server and the Telegram bot after load
    nlu     intent and entity F1 on the held-out set
    knowledge  ranking one guide question (the exam's questions), median and p95 per guide
    web     what the web chat adds to a turn it forwards to the Rasa REST channel
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from naervaer.bench import report

SECTIONS = ("rules", "turns", "memory", "nlu", "knowledge", "web")


def parse_only(value: str) -> list[str]:
    chosen = [s.strip() for s in value.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown or not chosen:
        raise ValueError(f"unknown section(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(SECTIONS)}")
    return [s for s in SECTIONS if s in chosen]


@dataclass
class Context:
    out: Path                    # the JSON file
    var_dir: Path
    echo: Callable[[str], None]  # tables (stdout)
    log: Callable[[str], None]   # progress (stderr)


def rules(ctx: Context, *, sizes: list[int], backends: list[str], on: date, pg_url: str) -> None:
    from naervaer.bench import rules_scale

    rows = []
    for backend in backends:
        for n in sizes:
            ctx.log(f"building {n} pupils on {backend} ...")
            rows.append(rules_scale.run(backend, n, on, ctx.var_dir, pg_url))
    ctx.echo("\n== rules engine at municipality scale\n")
    ctx.echo(report.table(rows, ["backend", "pupils", "records", "build_s", "flags_all_s_median",
                                 "flagged_pupils", "status_ms_median", "status_ms_p95"]))
    report.write_json(ctx.out, "rules_engine", rows)


def chat(ctx: Context, model: Path, *, do_turns: bool, do_memory: bool, options: dict | None = None) -> None:
    from naervaer.bench import breakdown
    from naervaer.bench import chat as chat_bench

    opts = chat_bench.Options(log=ctx.log, **(options or {}))
    result = chat_bench.run(model, opts, do_turns=do_turns, do_memory=do_memory)
    if do_turns:
        rows = result.turn_rows
        goals = chat_bench.targets(rows)
        ctx.echo("\n== chat turns over the REST channel: Nærvær and the `rasa init` reference\n")
        ctx.echo(report.table(chat_bench.side_by_side(rows), ["measure", "Nærvær", "reference (rasa init)"]))
        ctx.echo("")
        for line in chat_bench.describe_targets(goals):
            ctx.echo(line)
        for row in rows:
            for kind, example in (row.get("error_examples") or {}).items():
                ctx.echo(f"errors ({row['bot']}, {row['kind']}, {row['clients']} conversations): "
                         f"{row['error_kinds'][kind]} x {example}")
        ctx.echo(f"(the notes' reference figures: custom-action turn {chat_bench.NOTES_REFERENCE['custom_median_ms']} ms "
                 f"median, {chat_bench.NOTES_REFERENCE['turns_per_s_16']} turns/s with 16 clients)")
        if result.breakdowns:
            ctx.echo("\nwhere a turn's time goes, median ms (send -> user event = receive, lock, tracker, NLU; "
                     "then each action = prediction + run; listen = last prediction; rest = save + reply):")
            for key, segments in result.breakdowns.items():
                ctx.echo(f"  {key}: {breakdown.describe(segments)}")
        for bot, parsed in result.parse_ms.items():
            ctx.echo(f"  {bot} /model/parse (NLU only): " + ", ".join(
                f"«{text}» {s['median_ms']:.0f} ms" for text, s in parsed.items()))
        report.write_json(ctx.out, "turns", rows, {
            "targets": goals, "breakdown_ms": result.breakdowns, "parse_ms": result.parse_ms,
            "reference_training_s": result.reference_training_s, "notes_reference": chat_bench.NOTES_REFERENCE,
            "setup": "ours: SQLite store and SQL tracker store (SQLite) in a temp dir, log level WARNING; reference: "
                     "`rasa init` files with action_hello_world on, in-memory tracker store, --quiet; "
                     f"throughput: ours {', '.join(chat_bench.OUR_LOAD_KINDS)}, reference {chat_bench.REFERENCE_LOAD_KIND}; "
                     f"a fresh sender id every {8} turns per client"})
    if do_memory:
        ctx.echo("\n== peak resident memory after the turns (VmHWM summed over each process group)\n")
        ctx.echo(report.table(result.memory_rows, ["bot", "process", "peak_mb", "rss_mb", "processes"]))
        if result.telegram:
            ctx.echo(f"(Telegram bot: {result.telegram['updates']} updates, {result.telegram['replies']} replies "
                     f"through the fake Bot API in {result.telegram['seconds']} s)")
        report.write_json(ctx.out, "memory", result.memory_rows, {"telegram": result.telegram})


def nlu(ctx: Context, model: Path) -> None:
    from naervaer.bench import nlu as nlu_bench

    ctx.log("evaluating the NLU on the held-out set (rasa test nlu) ...")
    row = nlu_bench.run(model, ctx.var_dir / "bench" / "nlu-heldout")
    ctx.echo("\n== NLU on the held-out set\n")
    ctx.echo(report.table([row], ["set", "examples", "intent_f1", "entity_f1", "worst_intent", "worst_intent_f1",
                                  "met", "seconds"]))
    ctx.echo(f"targets: {row['targets']}")
    report.write_json(ctx.out, "nlu", [row])


def knowledge(ctx: Context) -> None:
    from naervaer.knowledge import timing

    ctx.log("ranking the exam's questions against their guides ...")
    rows = timing.run()
    ctx.echo("\n== Ranking one guide question (ms)\n")
    ctx.echo(report.table(rows, ["guide", "units", "questions", "median_ms", "p95_ms", "index_ms", "target_ms", "met"]))
    report.write_json(ctx.out, "knowledge", rows)


def web(ctx: Context, model: Path) -> None:
    from naervaer.bench import web as web_bench

    ctx.log("timing the same turn through the web chat and straight to the REST channel ...")
    row = web_bench.run(model, ctx.var_dir / "bench" / "web")
    ctx.echo("\n== the web chat's cost per turn (a signed-in teacher's question, alternating web and REST)\n")
    ctx.echo(report.table([row], ["turn", "n", "web_median_ms", "rest_median_ms", "added_median_ms", "added_p95_ms",
                                  "target_ms", "met"]))
    report.write_json(ctx.out, "web", [row])

"""The operators' command line: `naervaer --help`."""
from __future__ import annotations

import logging
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import typer
from sqlalchemy import select

from naervaer import clock, demo, services
from naervaer.db import default_engine, engine_for, session_scope
from naervaer.i18n import t
from naervaer.languages import DEFAULT_LANGUAGE, LANGUAGES
from naervaer.migrate import upgrade
from naervaer.settings import load_settings

app = typer.Typer(help="Nærvær: the absence assistant's operator commands.", no_args_is_help=True)
db_app = typer.Typer(help="Create, upgrade and seed the absence store.", no_args_is_help=True)
app.add_typer(db_app, name="db")
import_app = typer.Typer(help="Import from the school systems (CSV).", no_args_is_help=True)
app.add_typer(import_app, name="import")
export_app = typer.Typer(help="Export for the school systems (CSV).", no_args_is_help=True)
app.add_typer(export_app, name="export")
guides_app = typer.Typer(help="The guides as knowledge: coverage of the seed texts.", no_args_is_help=True)
app.add_typer(guides_app, name="guides")

LANG = typer.Option(DEFAULT_LANGUAGE, "--lang", help=f"Language of the messages: {', '.join(LANGUAGES)}.")


def _setup_logging() -> None:
    logging.basicConfig(level=load_settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs full URLs at INFO, and the Telegram bot's URLs contain its token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


@app.callback()
def main() -> None:
    _setup_logging()


@guides_app.command("coverage")
def guides_coverage(
    guide: list[str] = typer.Option(None, "--guide", help="Only this guide (repeatable); default all."),
    gaps: bool = typer.Option(True, "--gaps/--no-gaps", help="List the uncovered ranges."),
) -> None:
    """Per guide: the share of the seed text's content lines that knowledge units cite, and the gaps."""
    from naervaer.guides import GUIDE_KEYS
    from naervaer.knowledge.coverage import coverage

    for key in guide or GUIDE_KEYS:
        report = coverage(key)
        typer.echo(f"{key:10} {report.units:4} units  {report.covered:5}/{report.content:<5} content lines "
                   f"cited  {report.share:6.1%}")
        if gaps:
            for gap in report.gaps:
                span = f"{gap.first}" if gap.first == gap.last else f"{gap.first}-{gap.last}"
                typer.echo(f"    uncovered {span:>9}: {gap.words}")


@guides_app.command("nlu")
def guides_nlu() -> None:
    """Write data/nlu/guide_questions.yml (the ask_guide examples) from the knowledge units."""
    from naervaer.knowledge.nlu_data import examples, write

    path = write()
    typer.echo(f"{path}: {len(examples())} examples")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database, or bring its schema up to date."""
    settings = load_settings()
    upgrade(engine_for(settings.database_url))
    typer.echo("The database schema is up to date.")


@db_app.command("seed-demo")
def db_seed_demo() -> None:
    """Fill an empty database with the demo municipality (nothing happens if it is already there)."""
    settings = load_settings()
    engine = engine_for(settings.database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        if demo.is_seeded(session):
            typer.echo("The demo data is already there.")
            return
        demo.seed(session, clock.today())
    typer.echo("Seeded the demo municipality: one school per guide, with pupils, guardians and staff.")


@app.command()
def train() -> None:
    """Train the Rasa model, unless one for the current training data exists."""
    settings = load_settings()
    started = time.monotonic()
    model = services.train(settings.models_dir)
    typer.echo(f"Model: {model.name} ({time.monotonic() - started:.0f} s)")


@contextmanager
def _telegram_beside(settings):  # noqa: ANN001, ANN202
    """The Telegram front end beside the servers, when TELEGRAM_BOT_TOKEN is set (docs/telegram.md)."""
    import os

    if not os.environ.get("TELEGRAM_BOT_TOKEN"):
        yield None
        return
    child = services.start_telegram_bot(settings)
    typer.secho("The Telegram bot runs too (log: var/logs/telegram.log).", fg=typer.colors.YELLOW)
    try:
        yield child
    finally:
        child.stop()


def _web_sign_in_help(settings) -> None:  # noqa: ANN001
    """The web chat's address and a fresh invite code for each demo persona (single use, 14 days)."""
    from naervaer.identity import create_invite, person_for_sender

    typer.secho(f"Web chat: {settings.web_url}/  (accessibility statement: {settings.web_url}/tilgjengelighet)",
                fg=typer.colors.GREEN, bold=True)
    with session_scope(default_engine()) as session:
        people = {p: person_for_sender(session, demo.PERSONAS[p]) for p in demo.WEB_PERSONAS}
        codes = {p: create_invite(session, person).code for p, person in people.items() if person is not None}
    typer.echo("Sign in there with one of these codes (each works once):")
    for persona, code in codes.items():
        typer.echo(f"  {demo.WEB_PERSONAS[persona]:<44} {code}")
    typer.echo("Or ask about the guides without signing in. New codes: naervaer invite <person id>.")


@app.command()
def serve() -> None:
    """Start the action server, the Rasa server and the web chat on loopback until Ctrl-C."""
    settings = load_settings()
    services.stop_on_signals()
    model = services.train(settings.models_dir)
    with services.running_stack(settings, model, web=True), _telegram_beside(settings):
        typer.echo(f"Rasa REST channel: {settings.rasa_url}/webhooks/rest/webhook (Ctrl-C stops)")
        typer.echo(f"Web chat: {settings.web_url}/")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            typer.echo("Stopping.")


@app.command("demo")
def run_demo(
    persona: str = typer.Option("parent", "--as", help="Who you write as: " + ", ".join(demo.PERSONAS)),
) -> None:
    """The demo: database, model, both servers, and a chat in this terminal as a demo persona."""
    from naervaer.terminal_chat import chat

    if persona not in demo.PERSONAS:
        raise typer.BadParameter(f"unknown persona {persona!r}; choose one of: {', '.join(demo.PERSONAS)}")
    settings = load_settings()
    services.stop_on_signals()
    db_seed_demo()
    typer.secho("Training the model if the training data changed (about 1-2 minutes the first time) ...",
                fg=typer.colors.YELLOW)
    model = services.train(settings.models_dir)
    typer.secho("Starting the action server, the Rasa server and the web chat (about 20 s) ...",
                fg=typer.colors.YELLOW)
    try:
        with services.running_stack(settings, model, web=True), _telegram_beside(settings):
            _web_sign_in_help(settings)
            chat(settings.rasa_url, demo.PERSONAS[persona], persona)
    except KeyboardInterrupt:
        pass
    except services.ServiceError as err:
        typer.secho(str(err), fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from err
    typer.echo("Stopped the servers. Ha det!")


@app.command("chat")
def chat_only(persona: str = typer.Option("parent", "--as")) -> None:
    """Chat with servers that already run (`naervaer serve`)."""
    from naervaer.terminal_chat import chat

    chat(load_settings().rasa_url, demo.PERSONAS.get(persona, persona), persona)


def _report(report, lang: str) -> None:  # noqa: ANN001 - ImportReport
    if report.ok:
        typer.echo(t(lang, "Imported: {created} new, {updated} changed, {unchanged} unchanged.",
                     created=report.created, updated=report.updated, unchanged=report.unchanged))
        return
    for problem in report.problems:
        typer.secho(problem.render(lang), fg=typer.colors.RED, err=True)
    typer.secho(t(lang, "Nothing was imported: correct the rows above and run the import again."),
                fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@import_app.command("roster")
def import_roster_cmd(files: list[Path] = typer.Argument(..., help="schools, subjects, classes, pupils, "
                                                               "guardians and staff CSV files, in any order"),
                      lang: str = LANG) -> None:
    """Import the roster. Each file's kind is known by its header row."""
    from naervaer.imports.roster import import_roster
    from naervaer.imports.run import run_import

    engine = engine_for(load_settings().database_url)
    upgrade(engine)
    _report(run_import(engine, lambda session: import_roster(session, files, lang)), lang)


@import_app.command("absence")
def import_absence_cmd(file: Path, source: str = typer.Option("import", help="the school system, e.g. visma"),
                       lang: str = LANG) -> None:
    """Import absence records."""
    from naervaer.imports.absence import import_absence
    from naervaer.imports.run import run_import

    engine = engine_for(load_settings().database_url)
    upgrade(engine)
    _report(run_import(engine, lambda session: import_absence(session, file, lang, source)), lang)


@export_app.command("absence")
def export_absence_cmd(since: str = typer.Option(None, help="first date (default: 30 days ago)"),
                       until: str = typer.Option(None, help="last date (default: today)"),
                       school: str = typer.Option(None, help="school code"),
                       output: Path = typer.Option(None, "-o", help="file (default: standard output)")) -> None:
    """The absence reported through the chat, in the import's columns, for the school system."""
    from naervaer.access import system_scope
    from naervaer.imports.export import export_chat_absence

    today = clock.today()
    first = date.fromisoformat(since) if since else today - timedelta(days=30)
    last = date.fromisoformat(until) if until else today
    with session_scope() as session:
        if output:
            with output.open("w", encoding="utf-8", newline="") as fh:
                n = export_chat_absence(session, system_scope(session, "export_absence"), fh, first, last, school)
            typer.echo(f"{n} records written to {output}", err=True)
        else:
            export_chat_absence(session, system_scope(session, "export_absence"), sys.stdout, first, last, school)


def _person(session, external_id: str):  # noqa: ANN001, ANN202
    from naervaer.models import Person

    person = session.scalar(select(Person).where(Person.external_id == external_id))
    if person is None:
        typer.secho(f"No person with id {external_id}.", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    return person


@app.command()
def invite(person_id: str = typer.Argument(..., help="the person's id from the roster, e.g. F5001"),
           days: int = typer.Option(14, help="days the code is valid")) -> None:
    """Create a single-use invite code for a person (shown once; only its hash is stored)."""
    import os

    from naervaer.identity import create_invite

    with session_scope() as session:
        made = create_invite(session, _person(session, person_id), lifetime=timedelta(days=days))
    typer.echo(f"Code: {made.code}")
    bot = os.environ.get("TELEGRAM_BOT_USERNAME")
    if bot:
        typer.echo(f"Link: https://t.me/{bot}?start={made.code}")
    typer.echo(f"Valid until {made.expires_at:%Y-%m-%d %H:%M} UTC, once.")


@app.command()
def link(sender_id: str, person_id: str = typer.Argument(..., help="the person's id from the roster")) -> None:
    """Link a chat sender id to a person directly (administrators and tests)."""
    from naervaer.identity import link_sender

    with session_scope() as session:
        link_sender(session, sender_id, _person(session, person_id))
    typer.echo("Linked.")


@app.command()
def unlink(sender_id: str) -> None:
    """Remove a chat sender id's link."""
    from naervaer.identity import forget_sender

    with session_scope() as session:
        typer.echo("Removed." if forget_sender(session, sender_id) else "That sender id was not linked.")


@app.command()
def purge(case_retention_days: int = typer.Option(None, help="keep closed cases this many days"),
          transcript_retention_days: int = typer.Option(None, help="keep chat transcripts this many days")) -> None:
    """Delete what is past its retention time: chat links of people who left, old closed cases,
    old invites, and chat transcripts in Rasa's tracker store (30 days by default)."""
    from naervaer import purge as retention

    settings = load_settings()
    today = clock.today()
    with session_scope() as session:
        identities, cases, invites = retention.purge_store(
            session, today, case_retention_days if case_retention_days is not None else retention.CASE_RETENTION_DAYS)
    events = retention.purge_transcripts(
        settings.tracker_store_url, today,
        transcript_retention_days if transcript_retention_days is not None else retention.TRANSCRIPT_RETENTION_DAYS)
    typer.echo(f"Deleted {identities} chat links, {cases} closed cases, {invites} old invites, "
               f"{events} transcript events.")


def _on(value: str | None) -> date:
    return date.fromisoformat(value) if value else clock.today()


@app.command()
def flags(school: str = typer.Option(None, help="school code"),
          municipality: str = typer.Option(None, help="all schools of a municipality"),
          on: str = typer.Option(None, help="the date (default: today)"),
          as_json: bool = typer.Option(False, "--json", help="JSON instead of a table"),
          lang: str = LANG) -> None:
    """The pupils whose absence is worrying on a date, by their school's guide, most urgent first."""
    import json

    from naervaer.access import system_scope
    from naervaer.flags import flags_for_municipality, flags_for_school
    from naervaer.rules.explain import explain

    if bool(school) == bool(municipality):
        raise typer.BadParameter("give either --school or --municipality")
    day = _on(on)
    with session_scope() as session:
        scope = system_scope(session, "cli_flags")
        found = (flags_for_school(session, scope, school, day) if school
                 else flags_for_municipality(session, scope, municipality, day))
    if as_json:
        typer.echo(json.dumps([{
            "pupil_id": p.pupil_id, "name": f"{p.given_name} {p.family_name}", "class": p.class_name,
            "school": p.school_code, "guide": p.guide_key,
            "flags": [{"rule": f.rule_id, "kind": f.kind, "comparison": f.comparison.value, "limit": f.limit,
                       "count": f.count, "percent": f.percent, "window": [str(f.window_start), str(f.window_end)],
                       "subject": f.subject, "records": list(f.record_ids),
                       "source": {"file": f.source.file, "section": f.source.section, "lines": list(f.source.lines)},
                       "explanation": explain(f, lang, p.given_name)} for f in p.flags],
        } for p in found], ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(t(lang, "No pupil has worrying absence on {day}.", day=day.isoformat()))
        return
    for p in found:
        typer.secho(f"{p.given_name} {p.family_name} ({p.class_name}, {p.school_code})", bold=True)
        for f in p.flags:
            typer.echo(f"  - {explain(f, lang, p.given_name)}")


@app.command()
def status(pupil_id: str = typer.Argument(..., help="the pupil's id from the roster, or the store's number"),
           on: str = typer.Option(None, help="the date (default: today)"), lang: str = LANG) -> None:
    """One pupil's status against the school's guide: thresholds, next step, what is overdue."""
    from naervaer.access import system_grant
    from naervaer.case_status import pupil_status
    from naervaer.conversations.pupil_status import render
    from naervaer.directory import pupil_by_id

    with session_scope() as session:
        pupil = pupil_by_id(session, pupil_id)
        if pupil is None:
            typer.secho(f"No pupil with id {pupil_id}.", fg=typer.colors.RED, err=True)
            raise typer.Exit(1)
        typer.echo(render(pupil_status(session, system_grant(session, pupil, "cli_status"), _on(on)), lang))


@app.command()
def bench(only: str = typer.Option("rules,turns,memory,nlu,knowledge,web", help="sections, comma-separated: rules (slow: "
                                    "builds municipalities), turns (ours and the rasa init reference), memory, nlu, "
                                    "knowledge (ranking one guide question), web (what the web chat adds to a turn)"),
          sizes: str = typer.Option("2000,20000", help="rules: pupil counts, comma-separated (100000 takes minutes)"),
          backends: str = typer.Option("sqlite,postgresql", help="rules: sqlite and/or postgresql"),
          pg_url: str = typer.Option("postgresql+psycopg://postgres@127.0.0.1:5432/test", envvar="BENCH_DATABASE_URL",
                                     help="rules: PostgreSQL for the benchmark (a schema naervaer_bench is made in it)"),
          on: str = typer.Option("2027-03-15", help="rules: the date the flags are computed for"),
          clients: str = typer.Option("1,8,16,32", help="turns: concurrent conversations of the throughput runs"),
          samples: int = typer.Option(30, help="turns: timed turns per kind with one client"),
          level_turns: int = typer.Option(128, help="turns: turns per throughput level in all"),
          reference: bool = typer.Option(True, help="turns/memory: also the rasa init reference bot"),
          out: Path = typer.Option(None, help="JSON file (default: var/bench/latest.json)")) -> None:
    """Benchmarks (docs/benchmarks.md): one table per section, all written to one JSON file."""
    from naervaer.bench import sections

    try:
        chosen = sections.parse_only(only)
    except ValueError as err:
        raise typer.BadParameter(str(err), param_hint="--only") from err
    settings = load_settings()
    ctx = sections.Context(out=out or settings.var_dir / "bench" / "latest.json", var_dir=settings.var_dir,
                           echo=typer.echo, log=lambda line: typer.echo(line, err=True))
    if "rules" in chosen:
        sections.rules(ctx, sizes=[int(x) for x in sizes.split(",")], on=_on(on), pg_url=pg_url,
                       backends=[b.strip() for b in backends.split(",") if b.strip()])
    if {"turns", "memory", "nlu", "web"} & set(chosen):
        services.stop_on_signals()  # Ctrl-C stops the servers the bench started
        ctx.log("the model: training only if the training data changed ...")
        model = services.train(settings.models_dir, show_output=False)
    if "turns" in chosen or "memory" in chosen:
        sections.chat(ctx, model, do_turns="turns" in chosen, do_memory="memory" in chosen,
                      options={"levels": tuple(int(x) for x in clients.split(",")), "latency_samples": samples,
                               "level_turns": level_turns, "reference": reference, "pg_url": pg_url})
    if "nlu" in chosen:
        sections.nlu(ctx, model)
    if "knowledge" in chosen:
        sections.knowledge(ctx)
    if "web" in chosen:
        sections.web(ctx, model)
    typer.echo(f"JSON: {ctx.out}", err=True)


web_sessions_app = typer.Typer(help="The web chat's sessions: list them, end them.")
app.add_typer(web_sessions_app, name="web-sessions")


@web_sessions_app.callback(invoke_without_command=True)
def web_sessions_list(ctx: typer.Context,
                      include_ended: bool = typer.Option(False, "--all", help="also ended and expired sessions"),
                      lang: str = LANG) -> None:
    """List the valid web sessions: number, who (roster id and role), when. Never tokens or names."""
    from naervaer import web_sessions

    if ctx.invoked_subcommand is not None:
        return
    with session_scope() as session:
        rows = web_sessions.list_sessions(session, include_ended=include_ended)
    if not rows:
        typer.echo(t(lang, "No web sessions."))
        return

    def moment(value) -> str:  # noqa: ANN001
        return f"{value:%Y-%m-%d %H:%M}" if value else "-"

    typer.echo(t(lang, "id  person  role  started  last seen  expires  ended (UTC)"))
    for row in rows:
        who = row.person or (t(lang, "(signed in)") if row.role else t(lang, "(anonymous)"))
        typer.echo(f"{row.id}  {who}  {row.role or '-'}  {moment(row.created_at)}  {moment(row.last_seen_at)}  "
                   f"{moment(row.expires_at)}  {moment(row.ended_at)}")


@web_sessions_app.command("end")
def web_sessions_end(session_id: int = typer.Argument(None, help="the session's number from the list"),
                     person: str = typer.Option(None, "--person", help="end all of this person's sessions (roster id)"),
                     lang: str = LANG) -> None:
    """End a web session, or all of a person's: they are signed out and their chart and invitation links stop working."""
    from naervaer import web_sessions
    from naervaer.i18n import tn

    if (session_id is None) == (person is None):
        raise typer.BadParameter(t(lang, "Give either a session number or --person."))
    with session_scope() as session:
        if person is not None:
            _person(session, person)
            ended = web_sessions.end_for_person(session, person)
        else:
            ended = int(web_sessions.end_session(session, session_id))
    if person is None and not ended:
        typer.secho(t(lang, "No valid web session {id}.", id=session_id), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo(tn(lang, "Ended {n} web session.", "Ended {n} web sessions.", ended))

"""The operators' command line: `naervaer --help`."""
from __future__ import annotations

import logging
import time

import typer

from naervaer import clock, demo, services
from naervaer.db import engine_for, session_scope
from naervaer.migrate import upgrade
from naervaer.settings import load_settings

app = typer.Typer(help="Nærvær: the absence assistant's operator commands.", no_args_is_help=True)
db_app = typer.Typer(help="Create, upgrade and seed the absence store.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _setup_logging() -> None:
    logging.basicConfig(level=load_settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs full URLs at INFO, and the Telegram bot's URLs contain its token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


@app.callback()
def main() -> None:
    _setup_logging()


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


@app.command()
def serve() -> None:
    """Start the action server and the Rasa server on loopback until Ctrl-C."""
    settings = load_settings()
    services.stop_on_signals()
    model = services.train(settings.models_dir)
    with services.running_stack(settings, model):
        typer.echo(f"Rasa REST channel: {settings.rasa_url}/webhooks/rest/webhook (Ctrl-C stops)")
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
    typer.secho("Starting the action server and the Rasa server (about 20 s) ...", fg=typer.colors.YELLOW)
    try:
        with services.running_stack(settings, model):
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

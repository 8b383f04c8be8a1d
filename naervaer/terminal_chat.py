"""The terminal chat: talk to the running bot as one demo persona."""
from __future__ import annotations

import httpx
import typer

from naervaer.chat_client import BotMessage, RestChannel, silent
from naervaer.i18n import DEFAULT_LANGUAGE, detect_language, t


def show(messages: list[BotMessage]) -> list[dict]:
    buttons: list[dict] = []
    for message in messages:
        if message.text:
            typer.secho(f"Nærvær: {message.text}", fg=typer.colors.GREEN)
        if message.image:
            typer.secho(f"         [bilde: {message.image}]", fg=typer.colors.GREEN)
        if message.attachment:
            typer.secho(f"         [fil: {message.attachment}]", fg=typer.colors.GREEN)
        for button in message.buttons:
            buttons.append(button)
            typer.secho(f"   [{len(buttons)}] {button.get('title')}", fg=typer.colors.CYAN)
    return buttons


def chat(rasa_url: str, sender_id: str, persona: str) -> None:
    channel = RestChannel(rasa_url)
    typer.secho(f"Du skriver som «{persona}». Skriv et tall for å trykke på en knapp; Ctrl-C eller /avslutt avslutter.",
                fg=typer.colors.YELLOW)
    buttons: list[dict] = []
    lang = DEFAULT_LANGUAGE
    try:
        while True:
            try:
                text = input("> ").strip()
            except EOFError:
                break
            if not text:
                continue
            if text in {"/avslutt", "/quit"}:
                break
            if text.isdigit() and 0 < int(text) <= len(buttons):
                text = buttons[int(text) - 1]["payload"]
            elif not text.startswith("/"):
                lang = detect_language(text, fallback=lang)
            try:
                messages = channel.send(sender_id, text)
            except httpx.HTTPError:
                messages = []
            if silent(messages):
                typer.secho(t(lang, "Nærvær is not answering right now. Send your message again in a little "
                                    "while: that is safe, nothing is stored twice."), fg=typer.colors.RED)
                continue
            buttons = show(messages)
    finally:
        channel.close()

"""The two HTML pages, from Jinja2 templates with autoescape on: a name or a text with markup is shown as text."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from web.texts import direction, page_texts, statement

TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True,
                                                                                   default_for_string=True))


def chat_page(lang: str, *, csrf: str, name: str | None, signed_in: bool) -> str:
    return _env.get_template("chat.html").render(lang=lang, dir=direction(lang), csrf=csrf, tr=page_texts(lang),
                                                 name=name or "", signed_in=signed_in)


def statement_page(lang: str, *, contact_email: str) -> str:
    sections, written, back = statement(lang)
    return _env.get_template("statement.html").render(lang=lang, dir=direction(lang), tr=page_texts(lang),
                                                      sections=sections, written=written, back=back,
                                                      contact=contact_email)

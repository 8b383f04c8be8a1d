"""The morning rush: many parents report a sick child at once through the REST channel, each with the
buttons a parent presses, and every reply checked as the parent would read it."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from sqlalchemy import Engine, func, select

from naervaer.bench.web_client import WebChat, WebChatError
from naervaer.db import session_scope
from naervaer.models import AbsenceRecord, Contact, ContactPurpose
from tests.e2e.families import Family


@dataclass
class Outcome:
    family: Family
    confirm: bool  # what the parent answers to "Stemmer det?"
    thanked: bool = False  # the bot said the school now knows
    declined: bool = False  # the bot said nothing was sent
    problems: list[str] = field(default_factory=list)


def _texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def _button(messages: list[dict], title_start: str) -> str | None:
    return next((b["payload"] for m in messages for b in m.get("buttons") or []
                 if b.get("title", "").startswith(title_start)), None)


async def send(client: httpx.AsyncClient, url: str, sender: str, text: str) -> list[dict]:
    response = await client.post(url.rstrip("/") + "/webhooks/rest/webhook", json={"sender": sender, "message": text})
    response.raise_for_status()
    return response.json()


# say(turn, text): one message of the parent's k-th turn, however it travels (REST channel, web chat)
Say = Callable[[int, str], Awaitable[list[dict]]]


async def report_sick_today(say: Say, family: Family, confirm: bool) -> Outcome:
    """"<child> er syk i dag" → "Hele dagen" → "Ja"/"Nei"."""
    outcome = Outcome(family=family, confirm=confirm)
    try:
        reply = await say(0, f"{family.child} er syk i dag")
        whole_day = _button(reply, "Hele dagen")
        if whole_day is None:
            outcome.problems.append(f"no 'Hele dagen' button: {_texts(reply)!r}")
            return outcome
        reply = await say(1, whole_day)
        if f"{family.child} er borte" not in _texts(reply) or "Stemmer det?" not in _texts(reply):
            outcome.problems.append(f"no confirmation naming {family.child}: {_texts(reply)!r}")
            return outcome
        answer = _button(reply, "Ja" if confirm else "Nei")
        reply = await say(2, answer or ("ja" if confirm else "nei"))
        outcome.thanked = f"Takk, skolen vet nå at {family.child} er borte" in _texts(reply)
        outcome.declined = "ingenting ble sendt til skolen" in _texts(reply)
        if outcome.thanked != confirm or outcome.declined == confirm:
            outcome.problems.append(f"unexpected answer to {'ja' if confirm else 'nei'}: {_texts(reply)!r}")
    except (httpx.HTTPError, WebChatError) as error:
        outcome.problems.append(f"HTTP error: {type(error).__name__} {error}")
    return outcome


def _limits(parents: int) -> httpx.Limits:
    # Sanic and uvicorn close a connection idle for 5 s; a parent waiting longer than that in the rush
    # must not send on a connection the server is just closing (a ReadError that is the client's, not ours).
    return httpx.Limits(max_connections=parents + 10, max_keepalive_connections=parents + 10, keepalive_expiry=2.0)


async def rush(families: list[Family], server_for: Callable[[int, int], str], confirm: Callable[[int], bool],
               timeout: float = 600) -> list[Outcome]:
    """All parents at once; server_for(parent, turn) picks the Rasa server of each turn."""
    limits = _limits(len(families))
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        return await asyncio.gather(*(
            report_sick_today(lambda turn, text, i=i, f=family: send(client, server_for(i, turn), f.sender, text),
                              family, confirm(i))
            for i, family in enumerate(families)))


def stored_reports(engine: Engine, pupil_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per pupil: (absence records announced by the home, first-day contacts from the home)."""
    with session_scope(engine) as session:
        records = dict(session.execute(
            select(AbsenceRecord.pupil_id, func.count()).where(AbsenceRecord.pupil_id.in_(pupil_ids),
                                                               AbsenceRecord.announced_by_home.is_(True))
            .group_by(AbsenceRecord.pupil_id)).all())
        contacts = dict(session.execute(
            select(Contact.pupil_id, func.count()).where(Contact.pupil_id.in_(pupil_ids),
                                                         Contact.purpose == ContactPurpose.FIRST_DAY)
            .group_by(Contact.pupil_id)).all())
    return {p: (records.get(p, 0), contacts.get(p, 0)) for p in pupil_ids}


async def web_rush(families: list[Family], codes: list[str], web_for: Callable[[int, int], str],
                   confirm: Callable[[int], bool], timeout: float = 600) -> list[Outcome]:
    """All parents at once through the web chat: each opens the page, signs in with their own invite code
    and reports; web_for(parent, turn) picks the web chat instance of each turn (the cookie goes along)."""
    limits = _limits(len(families))

    async def one(client: httpx.AsyncClient, i: int, family: Family) -> Outcome:
        chat = WebChat(client, web_for(i, 0))
        try:
            await chat.open()
            await chat.sign_in(codes[i])
        except (httpx.HTTPError, WebChatError) as error:
            return Outcome(family=family, confirm=confirm(i), problems=[f"signing in: {error}"])

        async def say(turn: int, text: str) -> list[dict]:
            chat.base = web_for(i, turn).rstrip("/")
            return await chat.say(text)

        return await report_sick_today(say, family, confirm(i))

    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        return await asyncio.gather(*(one(client, i, family) for i, family in enumerate(families)))

"""The morning rush: many parents report a sick child at once through the REST channel, each with the
buttons a parent presses, and every reply checked as the parent would read it."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from sqlalchemy import Engine, func, select

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


async def report_sick_today(client: httpx.AsyncClient, server_for_turn: Callable[[int], str], family: Family,
                            confirm: bool) -> Outcome:
    """"<child> er syk i dag" → "Hele dagen" → "Ja"/"Nei"; turn k goes to server_for_turn(k)."""
    outcome = Outcome(family=family, confirm=confirm)
    try:
        reply = await send(client, server_for_turn(0), family.sender, f"{family.child} er syk i dag")
        whole_day = _button(reply, "Hele dagen")
        if whole_day is None:
            outcome.problems.append(f"no 'Hele dagen' button: {_texts(reply)!r}")
            return outcome
        reply = await send(client, server_for_turn(1), family.sender, whole_day)
        if f"{family.child} er borte" not in _texts(reply) or "Stemmer det?" not in _texts(reply):
            outcome.problems.append(f"no confirmation naming {family.child}: {_texts(reply)!r}")
            return outcome
        answer = _button(reply, "Ja" if confirm else "Nei")
        reply = await send(client, server_for_turn(2), family.sender, answer or ("ja" if confirm else "nei"))
        outcome.thanked = f"Takk, skolen vet nå at {family.child} er borte" in _texts(reply)
        outcome.declined = "ingenting ble sendt til skolen" in _texts(reply)
        if outcome.thanked != confirm or outcome.declined == confirm:
            outcome.problems.append(f"unexpected answer to {'ja' if confirm else 'nei'}: {_texts(reply)!r}")
    except httpx.HTTPError as error:
        outcome.problems.append(f"HTTP error: {type(error).__name__} {error}")
    return outcome


async def rush(families: list[Family], server_for: Callable[[int, int], str], confirm: Callable[[int], bool],
               timeout: float = 600) -> list[Outcome]:
    """All parents at once; server_for(parent, turn) picks the Rasa server of each turn."""
    limits = httpx.Limits(max_connections=len(families) + 10, max_keepalive_connections=len(families) + 10)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        return await asyncio.gather(*(
            report_sick_today(client, lambda turn, i=i: server_for(i, turn), family, confirm(i))
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

"""What the web chat adds to a turn: the same question through the web front end and straight to the Rasa
REST channel, turn by turn in alternation (so load and warm-up fall on both alike), on our stack."""
from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import httpx
from sqlalchemy import select

from naervaer import services
from naervaer.bench import our_stack
from naervaer.bench.turns import percentile
from naervaer.bench.web_client import WebChat
from naervaer.db import session_scope
from naervaer.identity import create_invite
from naervaer.models import Person

TARGET_ADDED_MS = 10.0  # issue 14: a web turn adds at most 10 ms median to the REST turn it forwards
QUESTION = "Hvor mye fravær har Ida Hansen?"  # a teacher's turn that reads the store
TURNS_PER_SESSION = 10  # below the web chat's per-session rate limit


def _codes(stack: our_stack.OurStack, n: int) -> list[str]:
    given, family = our_stack.PEOPLE["bench-teacher"]
    with session_scope(stack.engine) as session:
        marte = session.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)
                                .order_by(Person.id)).first()
        return [create_invite(session, marte).code for _ in range(n)]


async def _pairs(stack: our_stack.OurStack, web_url: str, turns: int) -> tuple[list[float], list[float]]:
    sessions = -(-turns // TURNS_PER_SESSION)
    rest_senders = [f"bench-web-rest-{i}" for i in range(sessions)]
    stack.link("bench-teacher", rest_senders)
    web_ms, rest_ms = [], []
    async with httpx.AsyncClient(timeout=60) as client:
        for s, code in enumerate(_codes(stack, sessions)):
            chat = WebChat(client, web_url)
            await chat.open()
            await chat.sign_in(code)
            for _ in range(min(TURNS_PER_SESSION, turns - len(web_ms))):
                t0 = time.perf_counter()
                await chat.say(QUESTION)
                web_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                response = await client.post(stack.url + "/webhooks/rest/webhook",
                                             json={"sender": rest_senders[s], "message": QUESTION})
                response.raise_for_status()
                rest_ms.append((time.perf_counter() - t0) * 1000)
    return web_ms, rest_ms


def run(model: Path, var_dir: Path, *, turns: int = 40) -> dict:
    with our_stack.running(var_dir, model) as stack:
        settings = replace(stack.settings, web_port=services.free_port())
        web = services.start_web(settings)
        try:
            asyncio.run(_pairs(stack, settings.web_url, 4))  # warm-up: first turns load models and caches
            web_ms, rest_ms = asyncio.run(_pairs(stack, settings.web_url, turns))
        finally:
            web.stop()
    added = [w - r for w, r in zip(web_ms, rest_ms)]
    row = {"turn": QUESTION, "n": len(web_ms), "web_median_ms": round(percentile(web_ms, 50), 1),
           "rest_median_ms": round(percentile(rest_ms, 50), 1), "added_median_ms": round(percentile(added, 50), 1),
           "added_p95_ms": round(percentile(added, 95), 1), "target_ms": TARGET_ADDED_MS}
    row["met"] = row["added_median_ms"] <= TARGET_ADDED_MS
    return row

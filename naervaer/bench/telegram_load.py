"""The Telegram bot as the app runs it (`naervaer.services.start_telegram_bot`: `python -m bot`, long
polling), against the fake Telegram Bot API of the tests, with a few linked users sending messages
through the Rasa server. Used to read the bot's peak memory after real work. Runs from the repository (it imports
tests/bot/fake_telegram.py)."""
from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select

from naervaer.db import session_scope
from naervaer.identity import create_invite
from naervaer.models import Person
from naervaer.services import start_telegram_bot
from naervaer.settings import PROJECT_ROOT, Settings

MESSAGES = ("Hvor mye fravær har Ida?", "hva forventer skolen av meg?", "hei")


def _fake_telegram():  # noqa: ANN202
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from tests.bot import fake_telegram

    return fake_telegram


@contextmanager
def running_bot(settings: Settings, engine: Engine, *, users: int = 3, messages: tuple[str, ...] = MESSAGES,
                timeout: float = 90) -> Iterator[dict]:
    """The bot process with `users` Telegram users linked to the demo parent by invitation, each having
    sent /start <code> and `messages`. Yields {"child", "updates", "replies", "seconds"}; stops the bot after."""
    fake = _fake_telegram()
    api = fake.FakeBotApi()
    with fake.FakeTelegramServer(api) as server:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": server.base_url,
               "NAERVAER_PSEUDONYM_KEY": secrets.token_hex(32)}
        env.pop("NAERVAER_TELEGRAM_WEBHOOK_URL", None)
        child = start_telegram_bot(settings, env, timeout=timeout)
        try:
            api.wait_for(lambda: api.polls > 0, timeout, "the Telegram bot to poll")
            started = time.monotonic()
            updates = replies = 0
            with session_scope(engine) as session:
                kari = session.scalars(select(Person).where(Person.given_name == "Kari",
                                                            Person.family_name == "Hansen")).first()
                codes = [create_invite(session, kari).code for _ in range(users)]
            for n, code in enumerate(codes):
                user = 880000 + n
                for text in (f"/start {code}", *messages):
                    after = api.last_message_id()
                    api.private_text(user, text)
                    updates += 1
                    replies += len(api.wait_for_reply(user, after, quiet=0.3, timeout=timeout))
            yield {"child": child, "updates": updates, "replies": replies,
                   "seconds": round(time.monotonic() - started, 1), "api_errors": list(api.errors)}
        finally:
            child.stop()

"""Fixtures of the Telegram bot tests: the fake Bot API, the bot built against it, and (for the end-to-end
tests) the real Rasa and action servers of tests/e2e."""
from __future__ import annotations

import pytest

from bot.config import BotConfig
from bot.main import build_application
from naervaer.pseudonym import telegram_sender_id
from tests.bot.fake_telegram import FakeBotApi
from tests.e2e.conftest import stack, trained_model  # noqa: F401  (the real servers, for tests marked e2e)

KEY = b"test-pseudonym-key-0123456789abcdef"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fake_api() -> FakeBotApi:
    return FakeBotApi()


def make_config(api: FakeBotApi, rasa_url: str = "http://127.0.0.1:9", **kw) -> BotConfig:
    return BotConfig(token=api.token, rasa_url=rasa_url, pseudonym_key=KEY, bot_username="naervaer_test_bot",
                     rasa_timeout=20.0, **kw)


def sender_of(user_id: int) -> str:
    return telegram_sender_id(KEY, user_id)


__all__ = ["build_application", "make_config", "sender_of", "KEY"]

"""The bot's configuration, from environment variables (docs/telegram.md lists them)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time

from naervaer.clock import OSLO
from naervaer.pseudonym import load_key
from naervaer.settings import Settings


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class BotConfig:
    token: str
    rasa_url: str
    pseudonym_key: bytes
    digest_time: time = time(9, 0, tzinfo=OSLO)
    bot_username: str | None = None
    webhook_url: str | None = None      # set: webhook mode; unset: long polling
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    api_base_url: str | None = None     # another Bot API server (a local one, or the tests' fake)
    rasa_timeout: float = 30.0
    # Telegram answering 429/5xx (bot/delivery.py): calls tried this many times, pausing backoff, 2 x backoff ...
    send_attempts: int = 6
    send_backoff: float = 1.0
    # Scheduled messages still undelivered after that: the morning job runs again this much later, this often.
    redelivery_delay: float = 600.0
    redeliveries: int = 3
    # Touched once the bot has reached the Bot API (getMe) and set its commands: how the process that
    # started it (naervaer.services.start_telegram_bot) knows it is up, at any log level.
    ready_file: str | None = None

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)

    def __repr__(self) -> str:  # never print the token or the key
        return f"BotConfig(rasa_url={self.rasa_url!r}, webhook_mode={self.webhook_mode})"


def parse_time(raw: str) -> time:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", raw.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ConfigError(f"NAERVAER_DIGEST_TIME must look like 09:00, not {raw!r}")
    return time(int(match[1]), int(match[2]), tzinfo=OSLO)


def load_config(settings: Settings, env: dict[str, str] | None = None) -> BotConfig:
    env = dict(os.environ if env is None else env)
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set (BotFather gives you one; see docs/telegram.md)")
    webhook_url = env.get("NAERVAER_TELEGRAM_WEBHOOK_URL", "").strip() or None
    secret = env.get("NAERVAER_TELEGRAM_WEBHOOK_SECRET", "").strip() or None
    if webhook_url and not secret:
        raise ConfigError("webhook mode needs NAERVAER_TELEGRAM_WEBHOOK_SECRET (1-256 characters A-Z a-z 0-9 _ -)")
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise ConfigError("NAERVAER_TELEGRAM_WEBHOOK_SECRET may only hold A-Z a-z 0-9 _ - (1-256 characters)")
    return BotConfig(
        token=token,
        rasa_url=settings.rasa_url,
        pseudonym_key=load_key(settings.var_dir),
        digest_time=parse_time(env.get("NAERVAER_DIGEST_TIME") or "09:00"),
        bot_username=env.get("TELEGRAM_BOT_USERNAME") or None,
        webhook_url=webhook_url,
        webhook_secret=secret,
        webhook_listen=env.get("NAERVAER_TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
        webhook_port=int(env.get("NAERVAER_TELEGRAM_WEBHOOK_PORT") or 8443),
        api_base_url=env.get("TELEGRAM_API_BASE_URL") or None,
        ready_file=env.get("NAERVAER_BOT_READY_FILE") or None,
    )

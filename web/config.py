"""The web chat's settings, from the same environment variables as the rest of the app (docs/web.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from naervaer.settings import load_settings


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True)
class WebConfig:
    rasa_url: str
    var_dir: Path
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8080
    frame_ancestors: str = ""  # origins besides our own that may show the chat in a frame
    max_text: int = 1000  # characters in one message
    max_body: int = 8 * 1024  # bytes in one request
    per_session: int = 20  # messages a minute (0: no limit)
    per_address: int = 120  # requests a minute from one address (0: no limit)
    rasa_timeout: float = 30.0


def load_config() -> WebConfig:
    settings = load_settings()
    return WebConfig(rasa_url=settings.rasa_url, var_dir=settings.var_dir, database_url=settings.database_url,
                     host=settings.web_host, port=settings.web_port,
                     frame_ancestors=os.environ.get("NAERVAER_WEB_FRAME_ANCESTORS", "").strip(),
                     per_session=_int("NAERVAER_WEB_RATE_PER_SESSION", 20),
                     per_address=_int("NAERVAER_WEB_RATE_PER_ADDRESS", 120))

"""The web chat's settings, from the same environment variables as the rest of the app (docs/web.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from naervaer.settings import Settings, env_int, load_settings


@dataclass(frozen=True)
class WebConfig:
    rasa_url: str
    var_dir: Path
    database_url: str
    host: str = "127.0.0.1"
    port: int = 8080
    frame_ancestors: str = ""  # origins besides our own that may show the chat in a frame
    # Addresses of the municipality's proxy: only from them is X-Forwarded-For believed (the per-address
    # limit would otherwise count every visitor as the proxy). Empty: no proxy headers at all.
    forwarded_allow_ips: str = ""
    contact_email: str = "postmottak@kommune.example"  # the accessibility statement's contact (placeholder)
    max_text: int = 1000  # characters in one message
    max_body: int = 8 * 1024  # bytes in one request
    per_session: int = 20  # messages a minute (0: no limit)
    per_address: int = 120  # requests a minute from one address (0: no limit)
    rasa_timeout: float = 30.0
    # Seconds an idle connection stays open. A client sending on one the server is just closing gets a reset,
    # and httpx sends no POST twice: with uvicorn's 5 s a morning-rush parent lost a message. Longer than a
    # proxy in front keeps one (nginx: 60 s), so the proxy closes first. (Rasa keeps one 120 s.)
    keep_alive: int = 75


def config_from(settings: Settings | None = None, *, rasa_url: str | None = None) -> WebConfig:
    settings = settings or load_settings()
    config = WebConfig(rasa_url=settings.rasa_url, var_dir=settings.var_dir, database_url=settings.database_url,
                       host=settings.web_host, port=settings.web_port,
                       frame_ancestors=os.environ.get("NAERVAER_WEB_FRAME_ANCESTORS", "").strip(),
                       forwarded_allow_ips=os.environ.get("NAERVAER_WEB_FORWARDED_ALLOW_IPS", "").strip(),
                       contact_email=os.environ.get("NAERVAER_WEB_CONTACT_EMAIL", "").strip()
                       or WebConfig.contact_email,
                       per_session=env_int("NAERVAER_WEB_RATE_PER_SESSION", 20),
                       per_address=env_int("NAERVAER_WEB_RATE_PER_ADDRESS", 120))
    return replace(config, rasa_url=rasa_url) if rasa_url else config


def load_config() -> WebConfig:
    return config_from()

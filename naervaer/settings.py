"""Configuration from environment variables, with the defaults the README documents."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    database_url: str
    var_dir: Path
    rasa_port: int
    actions_port: int
    log_level: str
    tracker_store_url: str
    models_dir: Path = field(default=PROJECT_ROOT / "models")
    # Empty: each Rasa server keeps its conversation locks in memory (one server). A Redis URL
    # (redis://host:port/db) lets several Rasa servers share the load behind a load balancer.
    lock_store_url: str = ""
    # The web chat (web/, `python -m web`): loopback unless a municipality's proxy needs another address.
    web_host: str = "127.0.0.1"
    web_port: int = 8080

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://{self.web_host}:{self.web_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}/webhook"


def load_settings() -> Settings:
    var_dir = Path(os.environ.get("NAERVAER_VAR_DIR", PROJECT_ROOT / "var"))
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or f"sqlite:///{var_dir / 'naervaer.db'}",
        var_dir=var_dir,
        rasa_port=env_int("NAERVAER_RASA_PORT", 5005),
        actions_port=env_int("NAERVAER_ACTIONS_PORT", 5055),
        log_level=os.environ.get("NAERVAER_LOG_LEVEL", "INFO").upper(),
        tracker_store_url=os.environ.get("TRACKER_STORE_URL") or f"sqlite:///{var_dir / 'tracker.db'}",
        models_dir=Path(os.environ.get("NAERVAER_MODELS_DIR", PROJECT_ROOT / "models")),
        lock_store_url=os.environ.get("LOCK_STORE_URL", ""),
        web_host=os.environ.get("NAERVAER_WEB_HOST", "127.0.0.1"),
        web_port=env_int("NAERVAER_WEB_PORT", 8080),
    )

"""Pseudonymous sender ids for chat front ends: a keyed hash of the platform's user id.

Rasa, the tracker store and the absence store only ever see ``tg:<hex>``, never a Telegram user id or
name. The key comes from ``NAERVAER_PSEUDONYM_KEY``; without it (development), one is generated once
into ``var/pseudonym.key`` (mode 0600) and reused. Changing the key unlinks every chat: the same
Telegram user then gets a new sender id and must be invited again.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from naervaer.settings import load_settings

log = logging.getLogger(__name__)

KEY_ENV = "NAERVAER_PSEUDONYM_KEY"
KEY_FILE = "pseudonym.key"


def pseudonym(key: bytes, platform: str, user_id: int | str) -> str:
    """``<platform>:`` + HMAC-SHA256 (hex) of the user id under ``key``."""
    if not key:
        raise ValueError("the pseudonym key is empty")
    digest = hmac.new(key, f"{platform}:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"{platform}:{digest}"


def telegram_sender_id(key: bytes, telegram_user_id: int) -> str:
    return pseudonym(key, "tg", telegram_user_id)


def load_key(var_dir: Path | None = None) -> bytes:
    """The key from the environment, else from ``var/pseudonym.key`` (created once, 0600)."""
    raw = os.environ.get(KEY_ENV, "").strip()
    if raw:
        if len(raw) < 16:
            raise ValueError(f"{KEY_ENV} is too short: use at least 32 random characters")
        return raw.encode()
    path = (var_dir or load_settings().var_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
            log.warning("%s is not set: generated a development key in %s", KEY_ENV, path)
    key = path.read_text().strip()
    if not key:
        raise ValueError(f"{path} is empty; delete it or set {KEY_ENV}")
    return key.encode()

"""Pseudonymous sender ids: keyed, stable, not the raw id; the development key is made once, private."""
from __future__ import annotations

import stat

import pytest

from naervaer.pseudonym import KEY_ENV, load_key, pseudonym, telegram_sender_id


def test_keyed_stable_and_opaque():
    a = telegram_sender_id(b"k" * 32, 123456789)
    assert a == telegram_sender_id(b"k" * 32, 123456789)
    assert a.startswith("tg:") and len(a) == 3 + 64 and "123456789" not in a
    assert a != telegram_sender_id(b"other-key" * 4, 123456789)
    assert a != telegram_sender_id(b"k" * 32, 123456780)
    assert pseudonym(b"k" * 32, "tg", 1) != pseudonym(b"k" * 32, "web", 1)


def test_empty_key_is_refused():
    with pytest.raises(ValueError):
        pseudonym(b"", "tg", 1)


def test_development_key_is_generated_once_with_owner_only_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    first = load_key(tmp_path)
    path = tmp_path / "pseudonym.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) == 64 and load_key(tmp_path) == first


def test_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "x" * 40)
    assert load_key(tmp_path) == b"x" * 40
    assert not (tmp_path / "pseudonym.key").exists()
    monkeypatch.setenv(KEY_ENV, "short")
    with pytest.raises(ValueError):
        load_key(tmp_path)

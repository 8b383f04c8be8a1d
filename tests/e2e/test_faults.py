"""Faults in the middle of a parent's report: the action server stopped, the store unreachable or
locked, the Rasa server crashing. Each time the parent is told something clear, nothing confirmed is
lost, nothing unconfirmed is stored, and the conversation goes on once the fault is gone, without
anyone restarting anything by hand."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from naervaer.chat_client import parse_messages, silent
from naervaer.i18n import t
from naervaer.settings import PROJECT_ROOT
from tests.e2e.families import Family, add_families
from tests.e2e.rush import stored_reports
from tests.helpers import TODAY

pytestmark = pytest.mark.e2e

UNREACHABLE = t("nb", "I can't reach the absence register right now, so nothing from this message was saved. "
                      "Please send it again in a few minutes, or phone the school.")


class Parent:
    """One parent's chat with one Rasa server, pressing buttons by their titles."""

    def __init__(self, url: str, family: Family) -> None:
        self.url, self.family, self.last = url, family, []

    def say(self, text: str) -> str:
        response = httpx.post(f"{self.url}/webhooks/rest/webhook", json={"sender": self.family.sender,
                                                                       "message": text}, timeout=120)
        response.raise_for_status()
        self.last = response.json()
        # the words only: a reply also carries facts without words (its language, for the web chat)
        return "\n".join(m["text"] for m in self.last if m.get("text"))

    def press(self, title_start: str) -> str:
        payload = next(b["payload"] for m in self.last for b in m.get("buttons") or []
                       if b["title"].startswith(title_start))
        return self.say(payload)

    def up_to_confirmation(self) -> None:
        self.say(f"{self.family.child} er syk i dag")
        assert "Stemmer det?" in self.press("Hele dagen")

    def report_whole(self) -> str:
        self.up_to_confirmation()
        return self.press("Ja")


def thanked(text: str, family: Family) -> bool:
    return f"Takk, skolen vet nå at {family.child} er borte" in text


def test_action_server_stopped_the_chat_says_so_and_the_form_goes_on_after_restart(cluster):
    [family] = add_families(cluster.engine, 1, TODAY)
    parent = Parent(cluster.rasa_urls[0], family)
    parent.say(f"{family.child} er syk i dag")
    whole_day = next(b["payload"] for m in parent.last for b in m["buttons"] if b["title"].startswith("Hele"))
    cluster.stop_actions()
    try:
        parent.say(whole_day)
        assert silent(parse_messages(parent.last))  # Rasa itself has nothing to say without its actions
        # The terminal chat turns that silence into a message (the Telegram bot's is tested in tests/bot).
        env = dict(os.environ, NAERVAER_RASA_PORT=str(cluster.settings.rasa_port), NAERVAER_LOG_LEVEL="WARNING")
        chat = subprocess.run([str(Path(sys.executable).parent / "naervaer"), "chat", "--as", family.sender],
                              input=f"{whole_day}\n/avslutt\n", capture_output=True, text=True, env=env,
                              cwd=PROJECT_ROOT, timeout=120)
        assert "Nærvær svarer ikke akkurat nå" in chat.stdout, chat.stdout + chat.stderr
    finally:
        cluster.start_actions()
    assert stored_reports(cluster.engine, [family.pupil_id]) == {family.pupil_id: (0, 0)}

    # Back up: the same button press carries the form on where it stopped.
    assert "Stemmer det?" in parent.say(whole_day)
    assert thanked(parent.press("Ja"), family)
    assert stored_reports(cluster.engine, [family.pupil_id]) == {family.pupil_id: (1, 1)}


def test_store_unreachable_nothing_half_written_and_the_report_goes_through_after(cluster):
    families = add_families(cluster.engine, 3, TODAY)
    confirming, midway, starting = (Parent(cluster.rasa_urls[i % 2], f) for i, f in enumerate(families))
    pupils = [f.pupil_id for f in families]
    confirming.up_to_confirmation()
    assert "Hvilke dager?" in midway.say(f'/report_absence{{"pupil":"{midway.family.child}"}}')
    cluster.proxy.cut()
    try:
        answers = [confirming.press("Ja"), midway.say("i dag"),  # the days are read against the store
                   starting.say(f"{starting.family.child} er syk i dag")]
    finally:
        cluster.proxy.restore()
    for answer in answers:  # one clear message each, and no form question or guess after it
        assert answer == UNREACHABLE, answer
    assert stored_reports(cluster.engine, pupils) == dict.fromkeys(pupils, (0, 0))

    # The store is back: each report, sent again, goes through once, without restarting anything.
    for parent in (confirming, midway, starting):
        assert thanked(parent.report_whole(), parent.family)
    assert stored_reports(cluster.engine, pupils) == dict.fromkeys(pupils, (1, 1))


def test_rasa_server_crash_mid_form_the_conversation_resumes_from_the_tracker_store(cluster):
    [family] = add_families(cluster.engine, 1, TODAY)
    parent = Parent(cluster.rasa_urls[0], family)
    parent.up_to_confirmation()
    cluster.restart_rasa(0, crash=True)
    assert thanked(parent.press("Ja"), family)
    assert stored_reports(cluster.engine, [family.pupil_id]) == {family.pupil_id: (1, 1)}


def _hold_write_lock(db_path: str, seconds: float, holding: threading.Event) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")  # what a long import or a backup does to the embedded store
    holding.set()
    time.sleep(seconds)
    conn.execute("ROLLBACK")
    conn.close()


@pytest.mark.parametrize("seconds, gets_through", [(3, True), (20, False)], ids=["briefly", "too-long"])
def test_sqlite_store_locked_the_report_waits_or_is_refused_whole(stack, seconds, gets_through):
    [family] = add_families(stack.engine, 1, TODAY)
    parent = Parent(stack.settings.rasa_url, family)
    parent.up_to_confirmation()
    holding = threading.Event()
    locker = threading.Thread(target=_hold_write_lock,
                              args=(stack.settings.database_url.removeprefix("sqlite:///"), seconds, holding))
    locker.start()
    holding.wait(10)
    answer = parent.press("Ja")
    locker.join()
    if gets_through:  # the store's busy timeout (15 s) waits out a short lock
        assert thanked(answer, family)
        assert stored_reports(stack.engine, [family.pupil_id]) == {family.pupil_id: (1, 1)}
        return
    assert UNREACHABLE in answer
    assert stored_reports(stack.engine, [family.pupil_id]) == {family.pupil_id: (0, 0)}
    assert thanked(parent.report_whole(), family)
    assert stored_reports(stack.engine, [family.pupil_id]) == {family.pupil_id: (1, 1)}

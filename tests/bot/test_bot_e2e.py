"""The Telegram bot end to end: the fake Bot API over HTTP on 127.0.0.1, the bot long-polling it, and the
REAL Rasa server and action server behind the bot (tests/e2e's `stack`, with its seeded SQLite store).

Run with NAERVAER_UPDATE_DOCS=1 to write the recorded parent flow and morning digest into docs/telegram.md.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from bot.jobs import send_digest, send_morning, send_reminders
from bot.main import ALLOWED_UPDATES, build_application
from naervaer import chat_links
from naervaer.absence import AbsenceKind
from naervaer.db import session_scope
from naervaer.identity import create_invite
from naervaer.models import (
    AbsenceRecord, Channel, Contact, ContactMethod, Initiator, Meeting, MeetingKind, Person, Pupil,
)
from naervaer.settings import PROJECT_ROOT
from tests.bot.conftest import make_config, sender_of
from tests.bot.live import LiveBot, bot_against_fake_api
from tests.bot.fake_telegram import Event, FakeBotApi, FakeTelegramServer
from naervaer.services import free_port
from tests.helpers import TODAY, pupil_id, records

pytestmark = pytest.mark.e2e

KARI, MARTE, INGRID, KNUT, STRANGER = 510001, 510002, 510003, 510004, 510005
NAMES = {KARI: "Kari", MARTE: "Marte", INGRID: "Ingrid", KNUT: "Knut", STRANGER: "Ukjent"}
DOCS = PROJECT_ROOT / "docs" / "telegram.md"


@pytest.fixture(scope="module")
def telegram(stack) -> Iterator[tuple[FakeBotApi, LiveBot]]:
    with bot_against_fake_api(stack) as running:
        yield running


def say(api: FakeBotApi, user: int, text: str, n: int = 1) -> list[dict]:
    """A user writes; returns the bot's next `n` messages to them."""
    after = api.last_message_id()
    api.private_text(user, text, first_name=NAMES[user])
    return api.wait_for_reply(user, after, n)


def press(api: FakeBotApi, user: int, message: dict, button: str, n: int = 1) -> list[dict]:
    after = api.last_message_id()
    api.press(user, message, button)
    return api.wait_for_reply(user, after, n)


def link(engine, api: FakeBotApi, user: int, given: str, family: str) -> None:  # noqa: ANN001
    with session_scope(engine) as s:
        if chat_links.profile(s, sender_of(user)) is not None:
            return
        person = s.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)
                           .order_by(Person.id)).first()
        code = create_invite(s, person).code
    reply = say(api, user, f"/start {code}")
    assert reply[0]["text"].startswith(f"Velkommen, {given}!")


def transcript(api: FakeBotApi, events: list[Event]) -> str:
    lines = []
    for e in events:
        if e.who == "user":
            name = NAMES.get(e.chat_id, "?")
            if e.what == "pressed":
                lines.append(f"{name} presses [{e.detail['button']}]")
            else:
                text = re.sub(r"^/start \S+", "/start <invitation code>", e.detail["text"])
                lines.append(f"{name}: {text}")
        elif e.what == "message":
            lines.append("Nærvær: " + e.detail["text"].replace("\n", "\n         "))
            if e.detail.get("buttons"):
                lines.append("         " + "  ".join(f"[{b}]" for b in e.detail["buttons"]))
        elif e.what == "answered button":
            lines.append("         (the button press is answered)")
        else:
            lines.append(f"Nærvær {e.what}")
    return "\n".join(lines)


def update_docs(section: str, text: str) -> None:
    if os.environ.get("NAERVAER_UPDATE_DOCS") != "1":
        return
    start, end = f"<!-- transcript:{section} -->", f"<!-- /transcript:{section} -->"
    doc = DOCS.read_text(encoding="utf-8")
    assert start in doc and end in doc, f"docs/telegram.md lacks the markers of {section}"
    head, rest = doc.split(start, 1)
    _, tail = rest.split(end, 1)
    DOCS.write_text(f"{head}{start}\n```text\n{text}\n```\n{end}{tail}", encoding="utf-8")


def test_parent_links_with_an_invite_asks_about_absence_and_reports_with_buttons(stack, telegram):
    api, _ = telegram
    first = len(api.events)
    with session_scope(stack.engine) as s:
        kari = s.scalars(select(Person).where(Person.given_name == "Kari", Person.family_name == "Hansen")).first()
        code = create_invite(s, kari).code
    assert say(api, KARI, "/start")[0]["text"].startswith("Hei! Jeg er Nærvær")
    welcome = say(api, KARI, f"/start {code}")[0]["text"]
    assert welcome.startswith("Velkommen, Kari!")
    answer = say(api, KARI, "Hvor mye fravær har Ida?")[0]["text"]
    assert answer.startswith("Siden 1. august har Ida hatt dette fraværet:")
    with session_scope(stack.engine) as s:  # Rasa knew the parent only by the pseudonym
        assert chat_links.profile(s, sender_of(KARI)).given_name == "Kari"

    # The first-day report (issue 6's flow), answered with the inline buttons.
    question = say(api, KARI, "Ida er syk i dag")[0]
    assert "Hele dagen, eller en del av den?" in question["text"]
    confirm = press(api, KARI, question, button_starting(question, "Hele dagen"))[0]
    assert "Stemmer det?" in confirm["text"]
    assert records(stack.engine, pupil_id(stack.engine, "Ida", "Hansen"), on=TODAY) == []  # nothing stored before the confirmation
    thanks = press(api, KARI, confirm, button_starting(confirm, "Ja"))
    assert "Takk, skolen vet nå at Ida er borte" in "\n".join(m.get("text", "") for m in thanks)
    assert "Marte Lie" in "\n".join(m.get("text", "") for m in thanks)  # the contact teacher is named
    [stored] = records(stack.engine, pupil_id(stack.engine, "Ida", "Hansen"), on=TODAY)
    assert (stored.announced_by_home, stored.channel) == (True, Channel.CHAT)
    update_docs("parent", transcript(api, api.events[first:]))


def button_starting(message: dict, start: str) -> str:
    return next(b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row
                if b["text"].startswith(start))


def test_teacher_picks_one_of_two_idas_with_an_inline_button(stack, telegram):
    api, _ = telegram
    link(stack.engine, api, MARTE, "Marte", "Lie")
    question = say(api, MARTE, "hvor mye fravær har ida?")[0]
    buttons = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Ida Hansen", "Ida Haugland"]
    assert all(len(b["callback_data"].encode()) <= 64 for row in question["reply_markup"]["inline_keyboard"]
               for b in row)
    answered = len(api.sent(method="answerCallbackQuery"))
    chosen = press(api, MARTE, question, "Ida Haugland")[0]["text"]
    assert chosen.startswith("Siden 1. august har Ida hatt")
    assert len(api.sent(method="answerCallbackQuery")) == answered + 1


def test_teacher_gets_the_status_with_a_chart_books_a_meeting_and_both_sides_are_reminded(stack, telegram):
    api, live = telegram
    link(stack.engine, api, MARTE, "Marte", "Lie")
    link(stack.engine, api, KARI, "Kari", "Hansen")
    photos = len(api.sent(MARTE, "sendPhoto"))
    status = say(api, MARTE, "hva nå med Ida Hansen?")
    assert re.search(r"Ida har vært borte \d+ hele dager", "\n".join(m.get("text", "") for m in status))
    [chart] = api.sent(MARTE, "sendPhoto")[photos:]
    filename, size = chart.files["photo"]  # uploaded as multipart, like Telegram wants a local file
    assert filename.endswith(".png") and size > 1000

    booked = say(api, MARTE, "sett opp nærværsmøte for Ida Hansen neste tirsdag kl 10")
    assert "tirsdag 24. november kl. 10.00" in "\n".join(m.get("text", "") for m in booked)
    with session_scope(stack.engine) as s:
        meeting = s.scalars(select(Meeting).where(Meeting.kind == MeetingKind.NAERVAERSMOTE)).one()
        participants = {p.person_id for p in meeting.participants}
        linked = {chat_links.profile(s, sender_of(u)).person_id: u for u in (MARTE, KARI)}
    calls = len(api.calls)
    assert live.call(send_reminders(live.app, TODAY)) == len(participants & set(linked))
    reminded = {int(c.params["chat_id"]): c.params["text"] for c in api.calls[calls:] if c.method == "sendMessage"}
    assert set(reminded) == {linked[p] for p in participants & set(linked)}
    assert reminded[MARTE].startswith("Påminnelse: nærværsmøte om Ida, tirsdag 24. november kl. 10.00.")


def test_the_morning_digest_reaches_the_right_teacher_and_no_one_else(stack, telegram):
    api, live = telegram
    for user, given, family in ((MARTE, "Marte", "Lie"), (INGRID, "Ingrid", "Dahl"), (KNUT, "Knut", "Haugen"),
                                (KARI, "Kari", "Hansen")):
        link(stack.engine, api, user, given, family)
    with session_scope(stack.engine) as s:
        eirik = s.scalar(select(Pupil).join(Person, Person.id == Pupil.person_id)
                         .where(Person.given_name == "Eirik", Person.family_name == "Berg"))
        s.add(AbsenceRecord(pupil_id=eirik.id, on=TODAY, kind=AbsenceKind.DAY, channel=Channel.IMPORT,
                            source="visma"))
    first, calls = len(api.events), len(api.calls)
    assert live.call(send_digest(live.app, TODAY)) == 1
    digest_calls = api.calls[calls:]
    assert [(c.method, int(c.params["chat_id"])) for c in digest_calls] == [("sendMessage", MARTE)]
    text = digest_calls[0].params["text"]
    assert text.startswith("God morgen, Marte! Borte i dag uten beskjed fra hjemmet:\n• Eirik Berg, 6A")
    markup = json.loads(digest_calls[0].params["reply_markup"])
    assert [b["text"] for row in markup["inline_keyboard"] for b in row] == ["Registrer samtale: Eirik Berg"]

    # The button sends `/log_contact{"pupil":"Eirik Berg","contact_kind":"phone"}` to Rasa (issue 6 logs it).
    message = api.messages[max(m for m, v in api.messages.items() if v["chat"]["id"] == MARTE)]
    reply = press(api, MARTE, message, "Registrer samtale: Eirik Berg")[-1]
    assert reply["text"].startswith("Hvilken foresatt")
    guardian = [b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row][0]
    reply = press(api, MARTE, reply, guardian)[-1]  # which guardian, then: did you reach them?
    reply = press(api, MARTE, reply, button_starting(reply, "Ja"))
    assert "Logget: telefonsamtale med" in "\n".join(m.get("text", "") for m in reply)
    with session_scope(stack.engine) as s:
        [call] = s.scalars(select(Contact).where(Contact.pupil_id == eirik.id)).all()
        assert (call.method, call.initiated_by, call.reached) == (ContactMethod.PHONE, Initiator.SCHOOL, True)
    update_docs("digest", transcript(api, api.events[first:]))


def test_the_whole_morning_job_runs_on_a_pinned_date(stack, telegram):
    api, live = telegram
    counts = live.call(send_morning(live.app, TODAY))
    assert set(counts) == {"pruned_chats", "digest", "reminders", "threshold_notices"}


def test_group_messages_get_no_answer_and_the_bot_leaves_groups(stack, telegram):
    api, _ = telegram
    api.group_text(-1001234, KARI, "hvor mye fravær har ida?")
    api.group_text(-1001234, KARI, "/start")
    after = api.last_message_id()
    api.added_to_group(-1005678, KARI)
    api.private_text(STRANGER, "hei", first_name="Ukjent")  # fetched after the group updates: when this
    api.wait_for_reply(STRANGER, after)                       # is answered, they were handled long ago
    api.wait_for(lambda: api.sent(-1005678), 30, "the bot to leave the group")
    assert api.sent(-1001234) == []
    assert [c.method for c in api.sent(-1005678)] == ["leaveChat"]


def test_a_wrong_webhook_secret_is_refused(stack):
    api = FakeBotApi()
    with FakeTelegramServer(api) as server:
        config = make_config(api, rasa_url=stack.settings.rasa_url, api_base_url=server.base_url,
                             webhook_url="https://bot.example.org/telegram", webhook_secret="right-Secret_123")
        port = free_port()
        live = LiveBot(build_application(config, engine=stack.engine, schedule=False))
        live.start(webhook={"listen": "127.0.0.1", "port": port, "url_path": "telegram",
                            "webhook_url": config.webhook_url, "secret_token": config.webhook_secret,
                            "allowed_updates": ALLOWED_UPDATES})
        try:
            assert api.webhook == {"url": "https://bot.example.org/telegram", "secret_token": "right-Secret_123"}
            update = api.private_text(STRANGER, "/start", first_name="Ukjent")
            url = f"http://127.0.0.1:{port}/telegram"
            for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {}):
                assert httpx.post(url, json=update, headers=headers, timeout=10).status_code == 403
            assert api.sent(STRANGER) == []
            ok = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "right-Secret_123"},
                            timeout=10)
            assert ok.status_code == 200
            reply = api.wait_for_messages(STRANGER, 0)
            assert reply[0]["text"].startswith("Hei! Jeg er Nærvær")
        finally:
            live.stop()
    assert api.errors == []

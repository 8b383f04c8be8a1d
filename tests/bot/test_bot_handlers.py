"""The bot's handlers without any network: python-telegram-bot talks to the fake Bot API in-process
(a custom request object), and the Rasa REST channel is an httpx mock transport."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from telegram import Update

from bot.main import build_application
from bot.rasa import RasaClient
from bot.render import split_text
from bot.state import ButtonTokens
from naervaer.try_limiter import TryLimiter
from naervaer import chat_links
from naervaer.db import session_scope
from naervaer.identity import create_invite
from naervaer.models import ChatIdentity, Person, TelegramChat
from tests.bot.conftest import make_config, sender_of
from tests.bot.fake_telegram import FakeBotApi, FakeRequest

pytestmark = pytest.mark.anyio

PARENT = 424242  # a Telegram user id
LONG_PAYLOAD = '/ask_absence{"pupil":"Ida Hansen","period":"this_school_year","extra":"x"}'


class FakeRasa:
    """Answers like the REST channel; records what it was sent."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.answer: list[dict] | Exception | int = [{"recipient_id": "x", "text": "Hei!"}]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.received.append(json.loads(request.content))
        if isinstance(self.answer, Exception):
            raise self.answer
        if isinstance(self.answer, int):
            return httpx.Response(self.answer, text="error")
        return httpx.Response(200, json=self.answer)


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
async def app(demo_engine, fake_api: FakeBotApi, rasa: FakeRasa):
    application = build_application(make_config(fake_api), engine=demo_engine, request=FakeRequest(fake_api),
                                    rate_limit=False, schedule=False)
    services = application.bot_data["services"]
    services.rasa = RasaClient("http://rasa.invalid", transport=httpx.MockTransport(rasa))
    async with application:
        yield application


async def feed(app, update: dict) -> None:
    await app.process_update(Update.de_json(update, app.bot))


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [c.params["text"] for c in api.sent(chat_id, "sendMessage")]


def invite_for(engine, given: str, family: str) -> str:
    with session_scope(engine) as s:
        person = s.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)).first()
        return create_invite(s, person).code


async def test_start_without_code_says_how_to_get_one(app, fake_api):
    await feed(app, fake_api.private_text(PARENT, "/start"))
    assert "ask your school" in texts(fake_api, PARENT)[0].lower() or "spør skolen" in texts(fake_api, PARENT)[0]


async def test_start_with_an_invite_links_the_pseudonym_and_greets_by_name(app, fake_api, demo_engine):
    code = invite_for(demo_engine, "Kari", "Hansen")
    await feed(app, fake_api.private_text(PARENT, f"/start {code}", language_code="en"))
    assert texts(fake_api, PARENT)[-1].startswith("Welcome, Kari!")
    with session_scope(demo_engine) as s:
        identity = s.scalar(select(ChatIdentity).where(ChatIdentity.sender_id == sender_of(PARENT)))
        assert identity is not None and s.get(Person, identity.person_id).given_name == "Kari"
        assert str(PARENT) not in identity.sender_id and identity.sender_id.startswith("tg:")
        assert s.scalar(select(TelegramChat.chat_id).where(TelegramChat.sender_id == sender_of(PARENT))) == PARENT
    # The code works once.
    await feed(app, fake_api.private_text(PARENT + 1, f"/start {code}"))
    assert texts(fake_api, PARENT + 1)[-1].startswith("Beklager, den koden virket ikke")


async def test_wrong_codes_get_one_polite_answer_and_are_slowed_down(app, fake_api, demo_engine):
    services = app.bot_data["services"]
    now = [1000.0]
    services.limiter = TryLimiter(free=2, base=30, cap=3600, clock=lambda: now[0])
    expired = invite_for(demo_engine, "Kari", "Hansen")
    with session_scope(demo_engine) as s:
        kari = s.scalars(select(Person).where(Person.given_name == "Kari")).first()
        old = create_invite(s, kari, lifetime=timedelta(seconds=-1)).code  # already expired
    for code in ("A" * 43, old, "not a code!"):
        await feed(app, fake_api.private_text(PARENT, f"/start {code}"))
    answers = texts(fake_api, PARENT)
    assert len(set(answers)) == 1, "unknown, expired and malformed codes must look the same"
    # The third wrong code closed the door for 30 s: even a good code is not looked up now.
    await feed(app, fake_api.private_text(PARENT, f"/start {expired}"))
    assert "Vent en stund" in texts(fake_api, PARENT)[-1]
    now[0] += 31
    await feed(app, fake_api.private_text(PARENT, f"/start {expired}"))
    assert texts(fake_api, PARENT)[-1].startswith("Velkommen, Kari!")


def test_try_limiter_backs_off_exponentially_and_forgets():
    now = [0.0]
    limiter = TryLimiter(free=1, base=10, cap=60, clock=lambda: now[0])
    assert [limiter.failed("u") for _ in range(5)] == [0, 10, 20, 40, 60]
    assert limiter.wait("u") == 60
    now[0] += 60 + 60
    assert limiter.wait("u") == 0 and limiter.failed("u") == 0  # left alone long enough: starts afresh


async def test_text_goes_to_rasa_under_the_pseudonym_and_buttons_use_short_tokens(app, fake_api, rasa):
    rasa.answer = [{"text": "Hvilken Ida?", "buttons": [{"title": "Ida Hansen", "payload": LONG_PAYLOAD},
                                                        {"title": "Ida Haugland", "payload": "/x"}]}]
    await feed(app, fake_api.private_text(PARENT, "hvor mye fravær har ida?"))
    assert rasa.received[0]["sender"] == sender_of(PARENT) and rasa.received[0]["message"] == "hvor mye fravær har ida?"
    assert str(PARENT) not in json.dumps(rasa.received[0])
    sent = fake_api.sent(PARENT, "sendMessage")[-1]
    keyboard = json.loads(sent.params["reply_markup"])["inline_keyboard"]
    assert [b["text"] for row in keyboard for b in row] == ["Ida Hansen", "Ida Haugland"]
    assert all(len(b["callback_data"].encode()) <= 64 for row in keyboard for b in row)
    assert len(LONG_PAYLOAD.encode()) > 64

    rasa.answer = [{"text": "Siden 1. august har Ida hatt ..."}]
    message = fake_api.messages[max(fake_api.messages)]
    await feed(app, fake_api.press(PARENT, message, "Ida Hansen"))
    assert fake_api.sent(method="answerCallbackQuery")
    assert rasa.received[-1]["message"] == LONG_PAYLOAD
    assert texts(fake_api, PARENT)[-1].startswith("Siden 1. august")


async def test_an_unknown_button_token_is_answered_as_expired(app, fake_api, rasa):
    message = {"message_id": 1, "date": 0, "chat": {"id": PARENT, "type": "private"},
               "reply_markup": {"inline_keyboard": [[{"text": "Old", "callback_data": "b:gone"}]]}}
    fake_api.known_chats[PARENT] = message["chat"]
    await feed(app, fake_api.press(PARENT, message, "Old"))
    answer = fake_api.sent(method="answerCallbackQuery")[-1]
    assert "utløpt" in answer.params["text"]
    assert rasa.received == []


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), 500, []])
async def test_when_rasa_does_not_answer_the_user_gets_the_school_phone(app, fake_api, rasa, demo_engine, caplog,
                                                                       failure):
    code = invite_for(demo_engine, "Kari", "Hansen")
    await feed(app, fake_api.private_text(PARENT, f"/start {code}"))
    rasa.answer = failure
    caplog.set_level(logging.DEBUG)
    await feed(app, fake_api.private_text(PARENT, "Hvor mye fravær har Ida hatt i høst?"))
    assert texts(fake_api, PARENT)[-1] == ("Beklager, jeg kan ikke svare akkurat nå. Haster det, ring skolen "
                                           "på 61 31 00 00.")
    logged = caplog.text
    assert "fravær" not in logged and "Kari" not in logged and fake_api.token not in logged
    assert "Rasa server" in logged


async def test_unlinked_user_with_rasa_down_is_told_to_contact_the_school_in_english(app, fake_api, rasa):
    rasa.answer = httpx.ConnectError("refused")
    await feed(app, fake_api.private_text(PARENT, "How much absence does my daughter have this year?",
                                          language_code="en"))
    assert texts(fake_api, PARENT)[-1] == "Sorry, I can't answer right now. If it is urgent, contact the school."


async def test_groups_get_no_answer_and_the_bot_leaves_when_added(app, fake_api, rasa):
    await feed(app, fake_api.group_text(-100123, PARENT, "hvor mye fravær har ida?"))
    await feed(app, fake_api.group_text(-100123, PARENT, "/start"))
    assert rasa.received == [] and fake_api.sent(-100123) == []
    await feed(app, fake_api.added_to_group(-100999, PARENT))
    assert [c.method for c in fake_api.sent(-100999)] == ["leaveChat"]


async def test_forget_me_removes_link_chat_and_memory(app, fake_api, demo_engine):
    code = invite_for(demo_engine, "Kari", "Hansen")
    await feed(app, fake_api.private_text(PARENT, f"/start {code}"))
    services = app.bot_data["services"]
    services.tokens.issue(PARENT, "/something")
    await feed(app, fake_api.private_text(PARENT, "/glem_meg"))
    assert texts(fake_api, PARENT)[-1].startswith("Ferdig.")
    with session_scope(demo_engine) as s:
        assert chat_links.profile(s, sender_of(PARENT)) is None
        assert s.scalar(select(func.count()).select_from(TelegramChat)) == 0
    assert PARENT not in services.known_chats and services.tokens.resolve(PARENT, "b:x") is None
    await feed(app, fake_api.private_text(PARENT, "/forget_me", language_code="en"))
    assert texts(fake_api, PARENT)[-1] == "This chat was not linked to anyone, so there was nothing to delete."


async def test_long_replies_are_split_and_images_sent_as_photos(app, fake_api, rasa, tmp_path):
    picture = tmp_path / "chart.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    rasa.answer = [{"text": ("Linje med tekst. " * 30 + "\n") * 12}, {"image": str(picture)},
                   {"image": "https://example.org/chart.png"}]
    await feed(app, fake_api.private_text(PARENT, "vis meg alt"))
    sent = texts(fake_api, PARENT)
    assert len(sent) == 2 and all(len(s) <= 4096 for s in sent)
    photos = fake_api.sent(PARENT, "sendPhoto")
    assert photos[0].files["photo"][0] == "chart.png" and photos[1].params["photo"] == "https://example.org/chart.png"
    assert fake_api.errors == []


async def test_a_meeting_invitation_arrives_as_a_calendar_file_not_as_a_server_path(app, fake_api, rasa, tmp_path):
    ics = tmp_path / "meeting-7.ics"
    ics.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    rasa.answer = [{"text": "Kalenderinvitasjonen til møtet:"}, {"attachment": str(ics)}, {"custom": {"lang": "nb"}}]
    await feed(app, fake_api.private_text(PARENT, "sett opp møte"))
    assert texts(fake_api, PARENT) == ["Kalenderinvitasjonen til møtet:"]
    [document] = fake_api.sent(PARENT, "sendDocument")
    assert document.files["document"][0] == "meeting-7.ics"
    assert fake_api.errors == []


def test_split_text_respects_utf16_units():
    text = "😀" * 3000  # two UTF-16 units each
    pieces = split_text(text)
    assert "".join(pieces) == text and all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in pieces)


def test_button_tokens_are_bounded_per_chat():
    tokens = ButtonTokens(per_chat=2, chats=2)
    first = tokens.issue(1, "/a")
    tokens.issue(1, "/b")
    tokens.issue(1, "/c")
    assert tokens.resolve(1, first) is None
    tokens.issue(2, "/d")
    tokens.issue(3, "/e")
    assert tokens.resolve(1, "b:any") is None and len(tokens._maps) == 2


async def test_the_fake_api_refuses_what_telegram_refuses(app, fake_api):
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup
    from telegram.error import BadRequest

    fake_api.private_text(PARENT, "hei")
    with pytest.raises(BadRequest, match="(?i)too long"):
        await app.bot.send_message(PARENT, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await app.bot.send_message(PARENT, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("x", callback_data="y" * 65)]]))
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await app.bot.send_message(999, "x")
    with pytest.raises(BadRequest, match="(?i)query id is invalid"):
        await app.bot.answer_callback_query("12345")


def test_the_morning_job_is_scheduled_daily_at_the_configured_oslo_time(fake_api):
    from datetime import time

    from bot.config import ConfigError, load_config, parse_time
    from naervaer.clock import OSLO
    from naervaer.settings import load_settings

    assert parse_time("9.30") == time(9, 30, tzinfo=OSLO)
    with pytest.raises(ConfigError):
        parse_time("25:00")
    app = build_application(make_config(fake_api, digest_time=time(7, 45, tzinfo=OSLO)),
                            request=FakeRequest(fake_api))
    job = app.job_queue.jobs()[0]
    assert job.name == "morning"
    trigger = job.trigger
    assert str(trigger.timezone) == "Europe/Oslo" and "hour='7'" in str(trigger) and "minute='45'" in str(trigger)
    env = {"TELEGRAM_BOT_TOKEN": "1:x", "NAERVAER_PSEUDONYM_KEY": "k" * 40, "NAERVAER_DIGEST_TIME": "08:15",
           "NAERVAER_TELEGRAM_WEBHOOK_URL": "https://x.example/telegram"}
    with pytest.raises(ConfigError, match="SECRET"):
        load_config(load_settings(), env)
    config = load_config(load_settings(), {**env, "NAERVAER_TELEGRAM_WEBHOOK_SECRET": "abc_DEF-1"})
    assert config.webhook_mode and config.digest_time == time(8, 15, tzinfo=OSLO)
    assert "1:x" not in repr(config)


async def test_chat_ids_of_unlinked_senders_are_pruned(app, fake_api, demo_engine):
    from naervaer.identity import forget_sender

    code = invite_for(demo_engine, "Kari", "Hansen")
    await feed(app, fake_api.private_text(PARENT, f"/start {code}"))
    with session_scope(demo_engine) as s:
        forget_sender(s, sender_of(PARENT))  # e.g. `naervaer unlink`, or the purge of people who left
    from bot.jobs import send_morning
    from tests.helpers import TODAY

    counts = await send_morning(app, TODAY)
    assert counts["pruned_chats"] == 1
    with session_scope(demo_engine) as s:
        assert s.scalar(select(func.count()).select_from(TelegramChat)) == 0


async def test_pictures_are_not_read_and_edits_not_answered(app, fake_api, rasa):
    update = fake_api.private_text(PARENT, "x")
    message = update["message"]
    del message["text"]
    message["photo"] = [{"file_id": "f", "file_unique_id": "u", "width": 10, "height": 10}]
    await feed(app, update)
    assert texts(fake_api, PARENT)[-1].startswith("Jeg kan bare lese tekst.")
    edited = fake_api.private_text(PARENT, "hvor mye fravær har ida?")
    edited["edited_message"] = edited.pop("message")
    await feed(app, edited)
    assert rasa.received == [] and len(texts(fake_api, PARENT)) == 1


async def _link(app, fake_api, engine, user_id: int, given: str, family: str) -> None:
    await feed(app, fake_api.private_text(user_id, f"/start {invite_for(engine, given, family)}"))
    assert texts(fake_api, user_id)[-1].startswith(f"Velkommen, {given}!")


async def test_meeting_reminders_reach_linked_participants_in_their_language(app, fake_api, demo_engine):
    from datetime import datetime, time, timezone

    from bot.jobs import send_reminders
    from naervaer.clock import OSLO
    from naervaer.models import Meeting, MeetingKind, MeetingParticipant, Pupil
    from tests.helpers import TODAY

    MARTE = 600001
    await _link(app, fake_api, demo_engine, PARENT, "Kari", "Hansen")
    await _link(app, fake_api, demo_engine, MARTE, "Marte", "Lie")
    with session_scope(demo_engine) as s:
        kari = s.scalars(select(Person).where(Person.given_name == "Kari")).first()
        kari.language = "nn"
        marte = s.scalars(select(Person).where(Person.given_name == "Marte")).first()
        ida = s.scalar(select(Pupil).join(Person, Person.id == Pupil.person_id).where(Person.given_name == "Ida",
                                                                                        Person.family_name == "Hansen"))
        meeting = Meeting(pupil_id=ida.id, kind=MeetingKind.NAERVAERSMOTE, place="Møterom 1",
                          starts_at=datetime.combine(TODAY + timedelta(days=1), time(10), OSLO).astimezone(timezone.utc))
        meeting.participants = [MeetingParticipant(person_id=kari.id, role="home"),
                                MeetingParticipant(person_id=marte.id, role="contact_teacher")]
        s.add(meeting)
    assert await send_reminders(app, TODAY) == 2
    assert texts(fake_api, MARTE)[-1] == ("Påminnelse: nærværsmøte om Ida, tirsdag 24. november kl. 10.00.\n"
                                          "Sted: Møterom 1")
    assert texts(fake_api, PARENT)[-1].startswith("Påminning: nærværsmøte om Ida, tysdag 24. november kl. 10.00.")
    assert await send_reminders(app, TODAY - timedelta(days=1)) == 0  # Sunday: no school, no reminders


async def test_a_newly_crossed_threshold_is_noticed_once_with_the_explanation(app, fake_api, demo_engine):
    pytest.importorskip("naervaer.flags")
    from sqlalchemy import delete

    from bot.jobs import send_threshold_notices
    from naervaer.absence import AbsenceKind
    from naervaer.models import AbsenceRecord, Channel, Pupil
    from tests.helpers import TODAY

    MARTE = 600001
    await _link(app, fake_api, demo_engine, MARTE, "Marte", "Lie")
    with session_scope(demo_engine) as s:
        eirik = s.scalar(select(Pupil).join(Person, Person.id == Pupil.person_id)
                         .where(Person.given_name == "Eirik", Person.family_name == "Berg"))
        s.execute(delete(AbsenceRecord).where(AbsenceRecord.pupil_id == eirik.id))
        for days_back in (5, 4, 3, 0):  # three days last week, the fourth today: more than three in a month
            s.add(AbsenceRecord(pupil_id=eirik.id, on=TODAY - timedelta(days=days_back), kind=AbsenceKind.DAY,
                                channel=Channel.IMPORT))
    assert await send_threshold_notices(app, TODAY) >= 1
    notice = next(m for m in texts(fake_api, MARTE) if m.startswith("Eirik Berg har passert en grense"))
    assert "Eirik har vært borte 4 hele dager" in notice
    before = len(texts(fake_api, MARTE))
    await send_threshold_notices(app, TODAY)
    assert len(texts(fake_api, MARTE)) == before  # not again


async def test_updates_of_one_chat_stay_in_order_while_chats_run_side_by_side():
    import asyncio

    from bot.updates import PerChatOrder

    processor = PerChatOrder(8)
    log: list[str] = []

    def update(chat_id: int) -> Update:
        return Update.de_json({"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "x",
                                                           "chat": {"id": chat_id, "type": "private"}}}, None)

    async def work(name: str, delay: float) -> None:
        log.append(f"{name} start")
        await asyncio.sleep(delay)
        log.append(f"{name} end")

    await asyncio.gather(processor.process_update(update(1), work("a1", 0.05)),
                         processor.process_update(update(1), work("a2", 0.0)),
                         processor.process_update(update(2), work("b1", 0.0)))
    assert log.index("a1 end") < log.index("a2 start")  # same chat: in order
    assert log.index("b1 end") < log.index("a1 end")    # another chat did not wait


async def test_a_failing_store_still_gets_the_user_an_answer(app, fake_api, rasa, caplog):
    services = app.bot_data["services"]

    async def broken(*_args):
        raise RuntimeError("database is down: secret details")

    services.unit = broken
    rasa.answer = httpx.ConnectError("refused")
    await feed(app, fake_api.private_text(PARENT, "hvor mye fravær har ida?"))
    assert texts(fake_api, PARENT)[-1] == ("Beklager, jeg kan ikke svare akkurat nå. Haster det, ta kontakt med "
                                           "skolen.")
    await feed(app, fake_api.private_text(PARENT, "/start"))  # the handler itself fails: the error handler answers
    assert texts(fake_api, PARENT)[-1].startswith("Beklager, noe gikk galt")
    assert "secret details" not in caplog.text and "RuntimeError" in caplog.text

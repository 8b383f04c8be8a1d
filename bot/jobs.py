"""The bot's own messages, sent every morning (NAERVAER_DIGEST_TIME, default 09:00 Europe/Oslo):

- the digest: the pupils absent today with no word from home (to the school's fraværsansvarlig where
  it has one, else to the contact teacher) and the pupils away longer than the guide allows without a
  call from home (to the contact teacher), worded with the guide's rule (``digest.digest_text``), with
  a button per pupil to log the call;
- meeting reminders: each linked participant, the school day before (covering weekends and holidays);
- threshold notices: the contact teacher, when a pupil newly crosses a threshold of the school's guide.

Days without school are skipped per school (``naervaer.digest``). ``send_morning(app, on)`` is what the
job runs; tests call it with a pinned date.

When Telegram answers 429 or 5xx, each send is tried again a few times (bot/delivery.py). A message still
not delivered is not counted as sent (a threshold notice is not recorded), and the morning job runs again
``redelivery_delay`` seconds later (at most ``redeliveries`` times): what reached its chat earlier that day
is not sent again (``BotServices.delivered``; threshold notices are recorded in the store).
"""
from __future__ import annotations

import logging
from datetime import date

from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.delivery import is_transient
from bot.render import send_messages
from bot.services import BotServices
from naervaer import chat_links, clock, digest
from naervaer.chat_client import BotMessage
from naervaer.i18n import N_, format_moment, t
from naervaer.replies import intent_payload

log = logging.getLogger(__name__)

# Keyed by the values of naervaer.models.MeetingKind (a StrEnum, so its members find these keys).
MEETING_KINDS = {
    "samtale": N_("conversation"),
    "naervaersmote": N_("attendance meeting"),
    "fagmote": N_("meeting about subjects"),
    "samarbeidsmote": N_("cooperation meeting"),
    "evaluering": N_("evaluation meeting"),
}


def log_call_payload(full_name: str) -> str:
    return intent_payload("log_contact", pupil=full_name, contact_kind="phone")


async def _deliver(app: Application, chat_id: int, messages: list[BotMessage], lang: str,
                   key: tuple | None = None) -> bool:
    """Send, unless ``key`` says it reached this chat earlier today. True when it was sent now."""
    svc: BotServices = app.bot_data["services"]
    if key is not None and key in svc.delivered:
        return False
    try:
        await send_messages(app.bot, chat_id, messages, svc.tokens, lang)
    except TelegramError as error:  # blocked the bot, deleted the account; or Telegram kept answering 429/5xx
        if is_transient(error):
            svc.undelivered += 1
            log.warning("could not deliver a scheduled message: %s; the next run tries again", type(error).__name__)
        else:
            log.warning("could not deliver a scheduled message: %s", type(error).__name__)
        return False
    if key is not None:
        svc.delivered.add(key)
    return True


async def send_digest(app: Application, on: date) -> int:
    """The morning digest; returns how many chats got one."""
    svc: BotServices = app.bot_data["services"]
    found, chats = await svc.unit(chat_links.digest_to_send, on)
    sent = 0
    for item in found:
        for r in chats.get(item.teacher_id, []):
            buttons = [{"title": t(r.lang, "Log call: {pupil}", pupil=p.full_name),
                        "payload": log_call_payload(p.full_name)} for p in item.to_call]
            text = digest.digest_text(item, r.lang, r.given_name)  # with each guide's own first-day rule
            sent += await _deliver(app, r.chat_id, [BotMessage(text=text, buttons=buttons)], r.lang,
                                   key=("digest", on, r.chat_id))
    return sent


async def send_reminders(app: Application, on: date) -> int:
    svc: BotServices = app.bot_data["services"]
    found, chats = await svc.unit(chat_links.reminders_to_send, on)
    sent = 0
    for m in found:
        for r in chats.get(m.person_id, []):
            text = t(r.lang, "Reminder: {meeting} about {pupil}, {when}.", meeting=t(r.lang, MEETING_KINDS[m.kind]),
                     pupil=m.pupil_given_name, when=format_moment(m.starts_at, r.lang))
            if m.place:
                text += "\n" + t(r.lang, "Place: {place}", place=m.place)
            sent += await _deliver(app, r.chat_id, [BotMessage(text=text)], r.lang,
                                   key=("reminder", on, m.meeting_id, r.chat_id))
    return sent


async def send_threshold_notices(app: Application, on: date) -> int:
    from naervaer.rules.explain import explain

    svc: BotServices = app.bot_data["services"]
    found, chats = await svc.unit(chat_links.notices_to_send, on)
    sent = 0
    for item in found:
        delivered = False
        for r in chats.get(item.teacher_id, []):
            text = (t(r.lang, "{pupil} has crossed a threshold in your school's guide:", pupil=item.pupil_full_name)
                    + "\n" + explain(item.flag, r.lang, item.pupil_given_name))
            ok = await _deliver(app, r.chat_id, [BotMessage(text=text)], r.lang)
            delivered |= ok
            sent += ok
        if delivered:
            await svc.unit(digest.record_notice, item)
    return sent


async def send_morning(app: Application, on: date | None = None) -> dict[str, int]:
    """Everything the morning job sends; each part on its own, so one failing does not stop the others."""
    on = on or clock.today()
    counts: dict[str, int] = {}
    svc: BotServices = app.bot_data["services"]
    svc.delivered = {key for key in svc.delivered if key[1] == on}  # only today's matter
    try:
        counts["pruned_chats"] = await svc.unit(chat_links.prune_orphans)
    except Exception as error:  # noqa: BLE001
        log.error("pruning stored chats failed: %s", type(error).__name__)
    for name, part in (("digest", send_digest), ("reminders", send_reminders),
                       ("threshold_notices", send_threshold_notices)):
        try:
            counts[name] = await part(app, on)
        except Exception as error:  # noqa: BLE001 - logged without content, the next part still runs
            log.error("morning job part %s failed: %s", name, type(error).__name__)
            counts[name] = 0
    log.info("morning job for %s: %s", on.isoformat(), counts)
    return counts


async def morning_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The daily job; when sends failed on 429/5xx, it runs again later the same day (bounded)."""
    app = context.application
    svc: BotServices = app.bot_data["services"]
    data = context.job.data if context.job is not None and isinstance(context.job.data, dict) else {}
    on = data.get("on") or clock.today()
    failed_before = svc.undelivered
    await send_morning(app, on)
    left = data.get("left", svc.config.redeliveries)
    if svc.undelivered > failed_before and left > 0 and context.job_queue is not None:
        log.warning("some scheduled messages were not delivered; the morning job runs again in %.0f s",
                    svc.config.redelivery_delay)
        context.job_queue.run_once(morning_job, when=svc.config.redelivery_delay,
                                   data={"on": on, "left": left - 1}, name="morning-redelivery")

"""The handlers: private chats only. Texts go through gettext (naervaer.i18n.t)."""
from __future__ import annotations

import logging
import re

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.delivery import is_transient
from bot.rasa import RasaUnavailable
from bot.render import send_messages
from bot.services import BotServices, services
from naervaer import chat_links
from naervaer.i18n import detect_language, normalise, t
from naervaer.identity import InviteError

log = logging.getLogger(__name__)

class ReplyNotDelivered(Exception):
    """Rasa handled the user's message, but Telegram kept refusing the reply (429/5xx, see bot/delivery.py)."""


# What an invite code looks like (secrets.token_urlsafe(32) is 43 characters; a deep link allows 64).
CODE = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _tg_lang(update: Update) -> str:
    user = update.effective_user
    return normalise(user.language_code if user else None)


async def _lang_of(svc: BotServices, sender: str, update: Update) -> tuple[str, chat_links.Profile | None]:
    profile = await svc.unit(chat_links.profile, sender)
    return (profile.lang if profile and profile.lang else _tg_lang(update)), profile


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, and /start CODE from a deep link https://t.me/<bot>?start=CODE."""
    svc = services(context)
    sender = svc.sender_id(update.effective_user.id)
    if context.args:
        await _redeem(update, svc, sender, context.args[0])
        return
    lang, profile = await _lang_of(svc, sender, update)
    if profile is not None:
        await update.effective_message.reply_text(t(
            lang, "Hi, {name}! This chat is linked to you. Ask me about absence, for example "
                  "“How much absence has Ida had?”. To remove the link, send /forget_me.",
            name=profile.given_name))
        return
    await update.effective_message.reply_text(t(
        lang, "Hi! I am Nærvær, the school's assistant for absence. Before I can show you anything, this "
              "chat must be linked to you: ask your school (the contact teacher or the office) for an "
              "invitation. Open the link you get, or send me the code in it like this: /start CODE"))


async def _redeem(update: Update, svc: BotServices, sender: str, code: str) -> None:
    chat_id = update.effective_chat.id
    lang = _tg_lang(update)
    if svc.limiter.wait(sender) > 0:
        await update.effective_message.reply_text(t(
            lang, "Several codes in a row did not work, so I have to slow down. Please wait a while before "
                  "you try again, or ask the school for a new invitation."))
        return
    try:
        if not CODE.fullmatch(code):
            raise InviteError("malformed")
        profile = await svc.unit(chat_links.link, code, sender, chat_id)
    except InviteError:
        svc.limiter.failed(sender)
        log.info("an invite code was refused")
        await update.effective_message.reply_text(t(
            lang, "Sorry, that code did not work. Codes can be used once and only for a limited time. "
                  "Check that you copied all of it, or ask the school for a new invitation."))
        return
    svc.limiter.succeeded(sender)
    svc.known_chats.add(chat_id)
    lang = profile.lang or lang
    log.info("a Telegram chat was linked to a person")
    await update.effective_message.reply_text(t(
        lang, "Welcome, {name}! This chat is now linked to you. You can ask me about absence, for example "
              "“How much absence has Ida had?”. Send /forget_me to remove the link.", name=profile.given_name))


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/glem_meg and /forget_me: remove the link, the chat id and everything kept in memory."""
    svc = services(context)
    chat_id = update.effective_chat.id
    sender = svc.sender_id(update.effective_user.id)
    lang, _ = await _lang_of(svc, sender, update)
    removed = await svc.unit(chat_links.forget, sender)
    svc.tokens.forget(chat_id)
    svc.limiter.forget(sender)
    svc.known_chats.discard(chat_id)
    context.chat_data.clear()
    context.user_data.clear()
    if removed:
        log.info("a Telegram chat link was removed on request")
        await update.effective_message.reply_text(t(
            lang, "Done. This chat is no longer linked to you, and the bot has deleted what it kept about "
                  "this Telegram account. To use me again, ask the school for a new invitation."))
    else:
        await update.effective_message.reply_text(t(
            lang, "This chat was not linked to anyone, so there was nothing to delete."))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    text = update.effective_message.text or ""
    sender = svc.sender_id(update.effective_user.id)
    if CODE.fullmatch(text.strip()) and await svc.unit(chat_links.profile, sender) is None:
        await _redeem(update, svc, sender, text.strip())  # a code pasted on its own
        return
    await forward(update, context, sender, text)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pictures, voice, files, stickers: not read, not stored, not passed on."""
    svc = services(context)
    lang, _ = await _lang_of(svc, svc.sender_id(update.effective_user.id), update)
    await update.effective_message.reply_text(t(
        lang, "I can only read text. Please write your question; don't send pictures of papers or "
              "health information here, the school will tell you where to hand them in."))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE:  # CallbackQueryHandler has no chat filter
        await query.answer()
        return
    svc = services(context)
    payload = svc.tokens.resolve(chat.id, query.data)
    if payload is None:
        await query.answer(t(_tg_lang(update), "This button has expired. Please ask again."))
        return
    try:
        await query.answer()
    except TelegramError as error:  # only stops the button's spinner: the press itself still counts
        if not is_transient(error):
            raise
        log.warning("could not answer a button press: %s", type(error).__name__)
    await forward(update, context, svc.sender_id(update.effective_user.id), payload)


async def forward(update: Update, context: ContextTypes.DEFAULT_TYPE, sender: str, text: str) -> None:
    """One turn through Rasa; on failure a short message with the school's phone number."""
    svc = services(context)
    chat_id = update.effective_chat.id
    if chat_id not in svc.known_chats:
        try:
            if await svc.unit(chat_links.remember_chat, sender, chat_id):
                svc.known_chats.add(chat_id)
        except Exception as error:  # noqa: BLE001 - the answer matters more; tried again next message
            log.error("could not store the chat id: %s", type(error).__name__)
    try:
        messages = await svc.rasa.send(sender, text)
    except RasaUnavailable:
        try:
            profile = await svc.unit(chat_links.profile, sender)
        except Exception as error:  # noqa: BLE001 - the store may be what is down
            log.error("could not look up the school's phone: %s", type(error).__name__)
            profile = None
        fallback = profile.lang if profile and profile.lang else _tg_lang(update)
        lang = fallback if text.startswith("/") else detect_language(text, fallback=fallback)
        if profile and profile.school_phone:
            reply = t(lang, "Sorry, I can't answer right now. If it is urgent, call the school on {phone}.",
                      phone=profile.school_phone)
        else:
            reply = t(lang, "Sorry, I can't answer right now. If it is urgent, contact the school.")
        await context.bot.send_message(chat_id, reply)
        return
    try:  # retried inside (bot/delivery.py); the message is never passed to Rasa a second time
        await send_messages(context.bot, chat_id, messages, svc.tokens, _tg_lang(update))
    except TelegramError as error:
        if is_transient(error):
            raise ReplyNotDelivered(type(error).__name__) from error
        raise


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added to a group or channel: leave at once (the bot only talks in private chats)."""
    change = update.my_chat_member
    if change is None or change.chat.type == ChatType.PRIVATE:
        return
    if change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.RESTRICTED,
                                         ChatMember.OWNER):
        log.info("added to a %s chat; leaving it", change.chat.type)
        try:
            await context.bot.leave_chat(change.chat.id)
        except TelegramError as error:
            log.warning("could not leave a chat: %s", type(error).__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The type and where it was raised only: the exception text may quote the update or a URL with the token.
    error = context.error
    where = ""
    if error is not None and error.__traceback__ is not None:
        tb = error.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        where = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno}"
    log.error("handling an update failed: %s%s", type(error).__name__, where)
    if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
        lang = _tg_lang(update)
        if isinstance(error, ReplyNotDelivered):  # "try again" would report an absence twice
            text = t(lang, "Sorry, Telegram was not answering, so my last answer may not have reached you. "
                           "What you sent did reach me: there is no need to send it again.")
        else:
            text = t(lang, "Sorry, something went wrong on our side. Please try again in a little while, "
                           "or contact the school.")
        try:  # the user must never meet a silent bot
            await context.bot.send_message(update.effective_chat.id, text)
        except TelegramError as send_error:
            log.error("could not tell the user either: %s", type(send_error).__name__)

"""Rasa's reply in Telegram: text (split at Telegram's 4,096 characters), buttons as an inline keyboard
(with short tokens as callback data), images as photos."""
from __future__ import annotations

import logging
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.state import ButtonTokens
from naervaer.chat_client import BotMessage
from naervaer.i18n import t

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096  # Telegram counts UTF-16 code units


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most ``limit`` UTF-16 units, cut at line breaks, else at spaces, else anywhere."""
    pieces: list[str] = []
    rest = text
    while _units(rest) > limit:
        cut = limit
        while _units(rest[:cut]) > limit:
            cut -= 1
        window = rest[:cut]
        at = window.rfind("\n")
        if at < limit // 2:
            at = window.rfind(" ")
        if at < limit // 2:
            at = cut
        pieces.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    if rest.strip():
        pieces.append(rest)
    return pieces


def keyboard(chat_id: int, buttons: list[dict], tokens: ButtonTokens) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(str(b.get("title") or b.get("payload"))[:100],
                                  callback_data=tokens.issue(chat_id, str(b.get("payload") or b.get("title"))))]
            for b in buttons if b.get("payload") or b.get("title")]
    return InlineKeyboardMarkup(rows) if rows else None


async def send_messages(bot: Bot, chat_id: int, messages: list[BotMessage], tokens: ButtonTokens,
                        lang: str) -> None:
    for message in messages:
        if message.image:
            await _send_photo(bot, chat_id, message.image)
        markup = keyboard(chat_id, message.buttons, tokens)
        if message.attachment:
            await _send_document(bot, chat_id, message.attachment, message.text)
            if markup is None:
                continue
        text = message.text
        if not text.strip() and markup is not None:
            text = t(lang, "Choose one:")
        if not text.strip():
            continue
        pieces = split_text(text)
        for i, piece in enumerate(pieces):
            await bot.send_message(chat_id, piece, reply_markup=markup if i == len(pieces) - 1 else None)


async def _send_document(bot: Bot, chat_id: int, attachment: str, caption: str) -> None:
    path = Path(attachment.removeprefix("file://"))
    if not path.is_file():
        log.warning("a file in the reply is not here; left out")
        return
    with path.open("rb") as fh:
        await bot.send_document(chat_id, document=fh, filename=path.name, caption=caption[:1024] or None)


async def _send_photo(bot: Bot, chat_id: int, image: str) -> None:
    if image.startswith(("http://", "https://")):
        await bot.send_photo(chat_id, photo=image)
        return
    path = Path(image.removeprefix("file://"))
    if path.is_file():
        with path.open("rb") as fh:
            await bot.send_photo(chat_id, photo=fh)
    else:
        log.warning("an image in the reply is neither a URL nor a file here; left out")

"""What a person is told when a turn fails on our side: never a silent bot, never a vague promise.

A store that cannot be reached (or stays locked) is told apart from other faults, because then the
person must know that nothing from this message was saved and that sending it again is safe.
"""
from __future__ import annotations

import logging
import traceback

from sqlalchemy.exc import DBAPIError, TimeoutError as PoolTimeout

from naervaer.i18n import t
from naervaer.replies import Reply


def store_unavailable(error: BaseException) -> bool:
    """The database did not answer: connection refused or lost, pool exhausted, or locked too long."""
    return isinstance(error, PoolTimeout) or (isinstance(error, DBAPIError) and error.connection_invalidated) \
        or type(getattr(error, "orig", None)).__name__ in {"OperationalError", "InterfaceError"}


def failure_reply(lang: str, error: BaseException) -> Reply:
    if store_unavailable(error):
        return Reply().say(t(lang, "I can't reach the absence register right now, so nothing from this message "
                                   "was saved. Please send it again in a few minutes, or phone the school."))
    return Reply().say(t(lang, "Sorry, something went wrong on our side. Please try again in a little while, "
                               "or contact the school."))


def log_failure(log: logging.Logger, what: str, error: BaseException) -> None:
    """The type and where it happened, for the operator; never the exception's text, which for a
    database error quotes the statement's parameters (names, dates)."""
    where = "".join(traceback.format_tb(error.__traceback__)[-3:]).rstrip()
    log.error("%s failed: %s\n%s", what, type(error).__name__, where)

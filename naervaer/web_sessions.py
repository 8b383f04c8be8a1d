"""The web chat's sessions: who a browser is, for how long, and which files it may fetch.

The browser holds a random token in a cookie; the store keeps only its sha256, so a copy of the database
opens no session. Each session has its own chat sender id, which the server chose and the browser never
sees; signing in links that sender id to the person (naervaer.identity), exactly as a Telegram chat is
linked, so the rest of the system needs to know nothing about the web.

A session ends on sign-out, when an operator ends it, after IDLE without a request, or LIFETIME after it
began, and an ended session never comes back: the next visit starts a new, anonymous one.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from naervaer import identity
from naervaer.clock import as_utc, now_utc
from naervaer.directory import role_of
from naervaer.languages import LANGUAGES
from naervaer.models import ChatIdentity, Person, WebFile, WebSession

IDLE = timedelta(minutes=60)
LIFETIME = timedelta(hours=12)
SENDER_PREFIX = "web:"


@dataclass(frozen=True)
class NewSession:
    """What the browser gets: the token goes into the cookie and exists nowhere else."""

    token: str
    csrf: str
    sender_id: str
    expires_at: datetime


@dataclass(frozen=True)
class WebSessionView:
    id: int
    sender_id: str
    csrf: str
    person_id: int | None
    given_name: str | None
    lang: str | None
    expires_at: datetime


@dataclass(frozen=True)
class SessionRow:
    """For the operator: enough to find and end a session, nothing that identifies or opens it."""

    id: int
    person: str | None  # the person's id from the roster, when signed in
    role: str | None    # staff, parent, pupil or unknown (directory.role_of); None when anonymous
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expires(row: WebSession) -> datetime:
    return min(as_utc(row.last_seen_at) + IDLE, as_utc(row.created_at) + LIFETIME)


def _is_live(row: WebSession, now: datetime) -> bool:
    return row.ended_at is None and now < _expires(row)


def _end(session: Session, row: WebSession, now: datetime) -> None:
    row.ended_at = now
    identity.forget_sender(session, row.sender_id)
    session.execute(delete(WebFile).where(WebFile.session_id == row.id))
    session.flush()


def _row(session: Session, token: str, *, lock: bool = False) -> WebSession | None:
    if not token:
        return None
    stmt = select(WebSession).where(WebSession.token_hash == _digest(token))
    return session.scalar(stmt.with_for_update() if lock else stmt)


def _live_row(session: Session, token: str, now: datetime, *, lock: bool = False) -> WebSession | None:
    row = _row(session, token, lock=lock)
    if row is None or row.ended_at is not None:
        return None
    if not _is_live(row, now):
        # Unlink at once, so an expired session's sender id does not stay signed in until the purge.
        _end(session, row, _expires(row))
        return None
    return row


def _view(session: Session, row: WebSession) -> WebSessionView:
    person = identity.person_for_sender(session, row.sender_id)
    return WebSessionView(id=row.id, sender_id=row.sender_id, csrf=row.csrf,
                          person_id=person.id if person else None, given_name=person.given_name if person else None,
                          lang=row.lang, expires_at=_expires(row))


def _new_secrets(row: WebSession) -> str:
    token = secrets.token_urlsafe(32)
    row.token_hash = _digest(token)
    row.csrf = secrets.token_urlsafe(32)
    return token


def start(session: Session, *, lang: str | None = None, now: datetime | None = None) -> NewSession:
    """A new anonymous session."""
    now = now or now_utc()
    row = WebSession(sender_id=SENDER_PREFIX + secrets.token_urlsafe(18), lang=_language(lang) if lang else None,
                     created_at=now, last_seen_at=now, csrf="", token_hash="")
    token = _new_secrets(row)
    session.add(row)
    session.flush()
    return NewSession(token=token, csrf=row.csrf, sender_id=row.sender_id, expires_at=_expires(row))


def current(session: Session, token: str, *, now: datetime | None = None) -> WebSessionView | None:
    """The session the token opens, or None; a request keeps the session alive for another IDLE."""
    now = now or now_utc()
    row = _live_row(session, token, now)
    if row is None:
        return None
    row.last_seen_at = now
    session.flush()
    return _view(session, row)


def sign_in(session: Session, token: str, code: str, *,
            now: datetime | None = None) -> tuple[NewSession, WebSessionView]:
    """Redeem an invite code for this session, and give it a new token and CSRF token.

    The new token shuts out whoever knew the old one (a cookie planted before sign-in). Raises
    identity.InviteError, changing nothing, for a bad code or a session that is no longer valid."""
    now = now or now_utc()
    row = _live_row(session, token, now, lock=True)
    if row is None:
        raise identity.InviteError("session not valid")
    person = identity.redeem_invite(session, code, row.sender_id, now=now)
    if row.lang is None and person.language in LANGUAGES:
        row.lang = person.language
    new_token = _new_secrets(row)
    row.last_seen_at = now
    session.flush()
    return (NewSession(token=new_token, csrf=row.csrf, sender_id=row.sender_id, expires_at=_expires(row)),
            _view(session, row))


def sign_out(session: Session, token: str, *, now: datetime | None = None) -> bool:
    """End the session: the sender id is unlinked and its files are gone. False if it had already ended."""
    now = now or now_utc()
    row = _row(session, token, lock=True)
    if row is None or row.ended_at is not None:
        return False
    _end(session, row, now)
    return True


def _language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    return lang


def set_language(session: Session, token: str, lang: str, *, now: datetime | None = None) -> None:
    """The language the page speaks to this session (nb, nn or en); an ended session is left as it was."""
    row = _live_row(session, token, now or now_utc())
    if row is not None:
        row.lang = _language(lang)
        session.flush()


def grant_file(session: Session, session_id: int, path: str, media_type: str) -> str:
    """Let one session fetch a file under a random name (the same name when the file is granted again)."""
    path = str(path)
    if len(path) > WebFile.path.type.length:
        raise ValueError("path too long")
    known = session.scalar(select(WebFile.name).where(WebFile.session_id == session_id, WebFile.path == path))
    if known:
        return known
    name = secrets.token_urlsafe(16)
    session.add(WebFile(session_id=session_id, name=name, path=path, media_type=media_type, created_at=now_utc()))
    session.flush()
    return name


def file_for(session: Session, token: str, name: str, *, now: datetime | None = None) -> tuple[Path, str] | None:
    """The file and its media type, only for the session it was granted to, while that session is valid."""
    now = now or now_utc()
    row = _live_row(session, token, now)
    if row is None or not name:
        return None
    granted = session.scalar(select(WebFile).where(WebFile.name == name, WebFile.session_id == row.id))
    if granted is None or not Path(granted.path).is_file():
        return None
    row.last_seen_at = now
    session.flush()
    return Path(granted.path), granted.media_type


def list_sessions(session: Session, *, now: datetime | None = None, include_ended: bool = False) -> list[SessionRow]:
    """The sessions, oldest first; without include_ended only the valid ones."""
    now = now or now_utc()
    found = session.execute(
        select(WebSession, Person).outerjoin(ChatIdentity, ChatIdentity.sender_id == WebSession.sender_id)
        .outerjoin(Person, Person.id == ChatIdentity.person_id).order_by(WebSession.id))
    rows = []
    for row, person in found:
        if not include_ended and not _is_live(row, now):
            continue
        rows.append(SessionRow(id=row.id, person=person.external_id if person else None,
                               role=role_of(session, person) if person else None,
                               created_at=as_utc(row.created_at), last_seen_at=as_utc(row.last_seen_at),
                               expires_at=_expires(row), ended_at=as_utc(row.ended_at) if row.ended_at else None))
    return rows


def end_session(session: Session, session_id: int, *, now: datetime | None = None) -> bool:
    """As sign-out, by the session's number (the operator's command). False if there is none to end."""
    row = session.get(WebSession, session_id, with_for_update=True)
    if row is None or row.ended_at is not None:
        return False
    _end(session, row, now or now_utc())
    return True


def end_for_person(session: Session, person_external_id: str, *, now: datetime | None = None) -> int:
    """End every web session the person is signed in to; how many there were."""
    now = now or now_utc()
    rows = list(session.scalars(
        select(WebSession).join(ChatIdentity, ChatIdentity.sender_id == WebSession.sender_id)
        .join(Person, Person.id == ChatIdentity.person_id)
        .where(Person.external_id == person_external_id, WebSession.ended_at.is_(None))))
    for row in rows:
        _end(session, row, now)
    return len(rows)


def purge_expired(session: Session, *, now: datetime | None = None, keep: timedelta = timedelta(days=30)) -> int:
    """End the sessions that have expired, and delete those that ended more than `keep` ago."""
    now = now or now_utc()
    stale = session.scalars(select(WebSession).where(
        WebSession.ended_at.is_(None),
        or_(WebSession.last_seen_at <= now - IDLE, WebSession.created_at <= now - LIFETIME)))
    for row in list(stale):
        _end(session, row, min(now, _expires(row)))
    cutoff = now - keep
    return session.execute(delete(WebSession).where(WebSession.ended_at.is_not(None), WebSession.ended_at < cutoff)
                           ).rowcount

"""The web chat's routes: the page, one message endpoint, sign-in and sign-out, the session's files.

Every request finds its session by the cookie in the store (so several instances can run side by side),
in one short transaction in a thread; every POST carries the session's CSRF token in a header."""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from naervaer import web_sessions
from naervaer.db import engine_for, session_scope
from naervaer.i18n import t
from naervaer.identity import InviteError
from naervaer.languages import DEFAULT_LANGUAGE, LANGUAGES, is_known, normalise
from naervaer.settings import Settings
from naervaer.try_limiter import TryLimiter
from web.config import WebConfig, config_from
from web.limits import RateLimit
from web.pages import chat_page, statement_page
from web.security import SecurityHeaders
from web.text import clean
from web.texts import direction, page_texts
from web.turns import RasaUnavailable, forward, has_files, render

if TYPE_CHECKING:  # the engine is only passed through to the core's session_scope
    from sqlalchemy import Engine

log = logging.getLogger(__name__)
T = TypeVar("T")

COOKIE = "naervaer_session"
CODE = re.compile(r"[A-Za-z0-9_-]{20,64}")  # secrets.token_urlsafe(32), as the invites are made
HERE = Path(__file__).resolve().parent


def looks_like_code(text: str) -> bool:
    """An invite code on its own (43 random characters), not a long word: codes hold digits or - and _."""
    return len(text) >= 30 and bool(CODE.fullmatch(text)) and any(c.isdigit() or c in "-_" for c in text)


def _accepted_language(request: Request) -> str:
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()
        if is_known(code):
            return normalise(code)
    return DEFAULT_LANGUAGE


def _start(session, lang: str) -> tuple[web_sessions.NewSession, web_sessions.WebSessionView]:  # noqa: ANN001
    new = web_sessions.start(session, lang=lang)
    return new, web_sessions.current(session, new.token)


class WebChat:
    def __init__(self, config: WebConfig, engine: Engine | None, transport: httpx.AsyncBaseTransport | None) -> None:
        self.config = config
        self.engine = engine or engine_for(config.database_url)
        self.rasa = httpx.AsyncClient(timeout=config.rasa_timeout, transport=transport)
        self.per_session = RateLimit(config.per_session)
        self.per_address = RateLimit(config.per_address)
        self.codes = TryLimiter()

    # --- the store, off the event loop ----------------------------------------------------------

    def _in_session(self, fn: Callable[..., T], *args: object) -> T:
        with session_scope(self.engine) as session:
            return fn(session, *args)

    async def unit(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.to_thread(self._in_session, fn, *args)

    # --- answers ----------------------------------------------------------------------------------

    def _set_cookie(self, response: Response, token: str) -> None:
        response.set_cookie(COOKIE, token, max_age=int(web_sessions.LIFETIME.total_seconds()), path="/",
                            secure=True, httponly=True, samesite="strict")

    @staticmethod
    def _error(status: int, text: str) -> JSONResponse:
        return JSONResponse({"error": text}, status_code=status, headers={"Cache-Control": "no-store"})

    async def _session(self, request: Request) -> web_sessions.WebSessionView | None:
        token = request.cookies.get(COOKIE, "")
        return await self.unit(web_sessions.current, token) if token else None

    def _address(self, request: Request) -> str:
        return request.client.host if request.client else "unknown"

    async def _body(self, request: Request) -> bytes | None:
        """The body, read only up to the limit (a body without Content-Length is not taken in whole); None: too big."""
        raw = bytearray()
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > self.config.max_body:
                return None
        return bytes(raw)

    async def _checked(self, request: Request) -> tuple[web_sessions.WebSessionView | None, dict | None, Response | None]:
        """The session, the JSON body, or the polite refusal: no session, no or wrong CSRF token, too big, not JSON."""
        lang = _accepted_language(request)
        if not self.per_address.allow(self._address(request)):
            return None, None, self._error(429, t(lang, "Too many messages in a short time. Please wait a minute and "
                                                       "try again."))
        view = await self._session(request)
        if view is None:
            return None, None, self._error(403, t(lang, "Your session has ended. Reload the page to start again."))
        lang = view.lang or lang
        sent = request.headers.get("x-csrf-token", "")
        if not sent or not hmac.compare_digest(sent.encode(), view.csrf.encode()):
            log.info("a POST without the session's CSRF token was refused")
            return view, None, self._error(403, t(lang, "This page is out of date. Reload it and try again."))
        if int(request.headers.get("content-length") or 0) > self.config.max_body:
            return view, None, self._error(413, t(lang, "That message is too long. Please keep it under {n} characters.",
                                           n=self.config.max_text))
        raw = await self._body(request)
        if raw is None:
            return view, None, self._error(413, t(lang, "That message is too long. Please keep it under {n} characters.",
                                           n=self.config.max_text))
        try:
            body = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            return view, None, self._error(400, t(lang, "I could not read that message. Please write it again."))
        return view, body, None

    # --- routes -----------------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        token = request.cookies.get(COOKIE, "")
        view = await self._session(request)
        new = None
        if view is None:
            lang = _accepted_language(request)
            if not self.per_address.allow(self._address(request)):  # each new session is a row in the store
                return Response(t(lang, "Too many messages in a short time. Please wait a minute and try again."),
                                status_code=429, media_type="text/plain", headers={"Cache-Control": "no-store"})
            new, view = await self.unit(_start, lang)
            token = new.token
        lang = view.lang or DEFAULT_LANGUAGE
        html = chat_page(lang, csrf=view.csrf, name=view.given_name, signed_in=view.person_id is not None)
        response = HTMLResponse(html, headers={"Cache-Control": "no-store"})
        if new is not None:
            self._set_cookie(response, token)
        return response

    async def statement(self, request: Request) -> Response:
        view = await self._session(request)
        lang = (view.lang if view else None) or _accepted_language(request)
        html = statement_page(lang, contact_email=self.config.contact_email)
        return HTMLResponse(html)

    async def message(self, request: Request) -> Response:
        view, body, refused = await self._checked(request)
        if refused is not None:
            return refused
        lang = view.lang or DEFAULT_LANGUAGE
        text = body.get("text")
        if not isinstance(text, str):
            return self._error(400, t(lang, "I could not read that message. Please write it again."))
        text = clean(text)
        if not text:
            return self._error(400, t(lang, "The message was empty. Write your question and press Send."))
        if len(text) > self.config.max_text:
            return self._error(400, t(lang, "That message is too long. Please keep it under {n} characters.",
                               n=self.config.max_text))
        if not self.per_session.allow(str(view.id)):
            return self._error(429, t(lang, "Too many messages in a short time. Please wait a minute and try again."))
        if looks_like_code(text):  # kept out of Rasa's tracker: a code is a key, not a chat message
            hint = t(lang, "That looks like an invitation code. Please enter it in the sign-in box instead; it "
                           "was not sent on.")
            return JSONResponse({"lang": lang, "dir": direction(lang), "signed_in": view.person_id is not None,
                                 "messages": [{"text": hint, "buttons": [], "image": None, "attachment": None}]},
                                headers={"Cache-Control": "no-store"})
        try:
            reply = await forward(self.rasa, self.config.rasa_url, view.sender_id, text)
        except RasaUnavailable:
            return self._error(503, t(lang, "Sorry, I can't answer right now. If it is urgent, contact the school."))
        token = request.cookies.get(COOKIE, "")
        if reply.lang and reply.lang != view.lang and reply.lang in LANGUAGES:
            await self.unit(web_sessions.set_language, token, reply.lang)
        answer_lang = reply.lang or lang
        if has_files(reply.messages):  # a grant is a write: only then a second transaction
            messages = await self.unit(render, view.id, reply.messages, answer_lang, self.config.var_dir)
        else:
            messages = render(None, view.id, reply.messages, answer_lang, self.config.var_dir)
        out = {"lang": answer_lang, "dir": direction(answer_lang), "signed_in": view.person_id is not None,
               "messages": messages}
        if answer_lang != lang:
            out["texts"] = page_texts(answer_lang)
        return JSONResponse(out, headers={"Cache-Control": "no-store"})

    async def sign_in(self, request: Request) -> Response:
        view, body, refused = await self._checked(request)
        if refused is not None:
            return refused
        lang = view.lang or DEFAULT_LANGUAGE
        keys = (f"session:{view.id}", f"address:{self._address(request)}")
        if any(self.codes.wait(k) > 0 for k in keys):
            return self._error(429, t(lang, "Several codes in a row did not work, so I have to slow down. Please "
                                          "wait a while before you try again, or ask the school for a new invitation."))
        code = clean(str(body.get("code") or ""))
        token = request.cookies.get(COOKIE, "")
        try:
            if not CODE.fullmatch(code):
                raise InviteError("malformed")
            new, signed = await self.unit(web_sessions.sign_in, token, code)
        except InviteError:
            for k in keys:
                self.codes.failed(k)
            log.info("an invite code was refused")
            return self._error(400, t(lang, "Sorry, that code did not work. Codes can be used once and only for a "
                                          "limited time. Check that you copied all of it, or ask the school for a "
                                          "new invitation."))
        for k in keys:
            self.codes.succeeded(k)
        log.info("a web session was signed in")
        lang = signed.lang or lang
        response = JSONResponse({
            "message": t(lang, "Welcome, {name}! You are signed in. Ask me about absence, or tell me that a child "
                               "is absent today.", name=signed.given_name or ""),
            "csrf": new.csrf, "name": signed.given_name or "", "lang": lang, "dir": direction(lang),
            "texts": page_texts(lang)}, headers={"Cache-Control": "no-store"})
        self._set_cookie(response, new.token)
        return response

    async def sign_out(self, request: Request) -> Response:
        view, _body, refused = await self._checked(request)
        if refused is not None:
            return refused
        lang = view.lang or DEFAULT_LANGUAGE
        await self.unit(web_sessions.sign_out, request.cookies.get(COOKIE, ""))
        new = await self.unit(lambda s: web_sessions.start(s, lang=lang))
        log.info("a web session was signed out")
        response = JSONResponse({"message": t(lang, "You are signed out. Nothing about a pupil can be seen in this "
                                                    "window any more."), "csrf": new.csrf},
                                headers={"Cache-Control": "no-store"})
        self._set_cookie(response, new.token)
        return response

    async def file(self, request: Request) -> Response:
        token = request.cookies.get(COOKIE, "")
        found = await self.unit(web_sessions.file_for, token, request.path_params["name"]) if token else None
        if found is None:
            return Response("Not found", status_code=404, media_type="text/plain",
                            headers={"Cache-Control": "no-store"})
        path, media_type = found
        headers = {"Cache-Control": "private, no-store"}
        if path.suffix == ".ics":
            return FileResponse(path, media_type=media_type, filename="invitasjon.ics", headers=headers,
                                content_disposition_type="attachment")
        return FileResponse(path, media_type=media_type, headers=headers)

    async def close(self) -> None:
        await self.rasa.aclose()


def create_app(settings: Settings | WebConfig | None = None, *, rasa_url: str | None = None,
               engine: Engine | None = None, transport: httpx.AsyncBaseTransport | None = None) -> ASGIApp:
    """The app; `settings` is the core's Settings (or a WebConfig, as the tests make it), `rasa_url` overrides
    its Rasa server, `transport` replaces the network to Rasa (tests)."""
    if isinstance(settings, WebConfig):
        config = replace(settings, rasa_url=rasa_url) if rasa_url else settings
    else:
        config = config_from(settings, rasa_url=rasa_url)
    chat = WebChat(config, engine, transport)
    routes = [
        Route("/", chat.page),
        Route("/tilgjengelighet", chat.statement),
        Route("/api/message", chat.message, methods=["POST"]),
        Route("/api/sign-in", chat.sign_in, methods=["POST"]),
        Route("/api/sign-out", chat.sign_out, methods=["POST"]),
        Route("/files/{name}", chat.file),
        Route("/widget.js", lambda request: FileResponse(HERE / "static" / "widget.js",
                                                         media_type="text/javascript")),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await chat.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.chat = chat
    return SecurityHeaders(app, config.frame_ancestors)

"""The web chat in a real browser: Debian's Chromium driven by Playwright, the web app served by uvicorn
over a running stack, and a small page object that speaks the DOM contract of docs/web.md.

Playwright's own browser download does not work here, so the system Chromium is launched by path; root
needs --no-sandbox. Playwright's sync API keeps an event loop running on the main thread while it is
started, which breaks asyncio.run() in any later test, so the browser is started on first use and stopped
as soon as the next test does not need it (conftest's pytest_runtest_teardown): once for the web tests,
which run one after another."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, select

from naervaer import clock, services
from naervaer.db import session_scope
from naervaer.identity import create_invite
from naervaer.models import Person
from naervaer.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from tests.e2e.conftest import Stack

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = PROJECT_ROOT / "docs" / "web"
REPLY_TIMEOUT_MS = 60_000  # a Rasa turn is well under a second; the first one of a server can take longer


class Launcher:
    """One Chromium, started when a test first asks for it."""

    def __init__(self) -> None:
        self._playwright = None
        self._browser: Browser | None = None

    def get(self) -> Browser:
        if self._browser is None:
            if not CHROMIUM.exists():
                pytest.skip("no /usr/bin/chromium: run scripts/setup.sh (apt-get install chromium) for the browser tests")
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                pytest.skip("playwright is not installed: pip install -e '.[dev]'")
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None


LAUNCHER = Launcher()


@dataclass(frozen=True)
class WebApp:
    url: str
    stack: Stack
    app: object  # the ASGI app, for forget_wrong_codes

    @property
    def engine(self) -> Engine:
        return self.stack.engine

    def forget_wrong_codes(self) -> None:
        """Every test signs in from 127.0.0.1: the wrong codes of one would slow down the next one's."""
        from naervaer.try_limiter import TryLimiter

        inner = getattr(self.app, "app", self.app)  # inside the security-headers wrapper
        inner.state.chat.codes = TryLimiter()


@contextmanager
def running_web(stack: Stack) -> Iterator[WebApp]:
    """The web app for real (uvicorn, in a thread) over the stack's Rasa server and store."""
    import uvicorn

    from web.app import create_app
    from web.config import config_from

    # Every test comes from 127.0.0.1: the per-address limit would count the whole run as one visitor.
    config = replace(config_from(stack.settings), per_address=0)
    port = services.free_port()
    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False,
                                           log_level="warning", lifespan="on",
                                           timeout_keep_alive=config.keep_alive))
    thread = threading.Thread(target=server.run, name="web-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    try:
        yield WebApp(url=f"http://127.0.0.1:{port}", stack=stack, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def invite(engine: Engine, given: str, family: str, *, lifetime: timedelta | None = None,
           now: datetime | None = None) -> str:
    """A fresh invite code for the first demo person of that name (as `naervaer invite` makes one), made on
    the web app's clock (pinned to the demo's day in these tests), so "expired" means expired to it."""
    with session_scope(engine) as s:
        person = s.scalars(select(Person).where(Person.given_name == given, Person.family_name == family)
                           .order_by(Person.id)).first()
        assert person is not None, (given, family)
        kw = {"lifetime": lifetime} if lifetime is not None else {}
        return create_invite(s, person, now=now or clock.now_utc(), **kw).code


def screenshot(page: Page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class Chat:
    """The chat page as a person sees it; each action waits for the answer like a person would."""

    def __init__(self, context: BrowserContext, web: WebApp) -> None:
        self.context = context
        self.web = web
        self.page = context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: str = "/") -> Chat:
        self.page.goto(self.web.url + path)
        self.page.wait_for_selector("#text")
        return self

    # --- what is on the page -------------------------------------------------------------------------

    def bot_count(self) -> int:
        return self.page.locator("#transcript li.msg.bot").count()

    def bot_texts(self, since: int = 0) -> str:
        """The bot's words from message number `since` on (the buttons' titles not included)."""
        items = self.page.locator("#transcript li.msg.bot")
        return "\n".join("\n".join(items.nth(i).locator("p").all_inner_texts()) for i in range(since, items.count()))

    def error(self) -> str:
        box = self.page.locator("#error")
        return box.inner_text() if box.is_visible() else ""

    def live_choices(self) -> list[str]:
        return self.page.locator("#transcript button.choice:not(:disabled)").all_inner_texts()

    def csrf(self) -> str:
        return self.page.locator('meta[name="csrf-token"]').get_attribute("content") or ""

    def lang(self) -> str:
        return self.page.evaluate("document.documentElement.lang")

    # --- doing things ---------------------------------------------------------------------------------

    def wait_for_answer(self, before: int) -> None:
        self.page.wait_for_function(
            "n => document.querySelectorAll('#transcript li.msg.bot').length > n"
            " || !document.getElementById('error').hidden", arg=before, timeout=REPLY_TIMEOUT_MS)
        self.page.wait_for_function("document.getElementById('log').getAttribute('aria-busy') !== 'true'",
                                    timeout=REPLY_TIMEOUT_MS)

    def say(self, text: str) -> str:
        """Type and send; returns the bot's new words."""
        before = self.bot_count()
        self.page.fill("#text", text)
        self.page.click("#send")
        self.wait_for_answer(before)
        return self.bot_texts(before)

    def press(self, title_start: str) -> str:
        """Press the live bot button whose title starts so; returns the bot's new words."""
        before = self.bot_count()
        buttons = self.page.locator("#transcript button.choice:not(:disabled)")
        titles = buttons.all_inner_texts()
        matching = [i for i, t in enumerate(titles) if t.startswith(title_start)]
        assert matching, (title_start, titles)
        buttons.nth(matching[0]).click()
        self.wait_for_answer(before)
        return self.bot_texts(before)

    def sign_in(self, code: str) -> str:
        before = self.bot_count()
        self.page.fill("#code", code)
        self.page.locator("#sign-in button[type=submit]").click()
        self.wait_for_answer(before)
        return self.bot_texts(before)

    def sign_out(self) -> str:
        self.page.click("#sign-out")
        self.page.wait_for_selector("#sign-in", state="visible")
        return self.bot_texts()

    def post(self, path: str, body: object, *, csrf: str | None = "page") -> dict:
        """A POST from a script on the page (fetch, with the page's cookie): `csrf` "page" sends the session's
        current token, None sends none. Returns {"status", "json", "text"}."""
        token = self.current_csrf() if csrf == "page" else csrf
        data = body if isinstance(body, str) else json.dumps(body)
        return self.page.evaluate("""async ([path, body, csrf]) => {
            const headers = {"Content-Type": "application/json"};
            if (csrf) headers["X-CSRF-Token"] = csrf;
            const r = await fetch(path, {method: "POST", headers: headers, body: body, credentials: "same-origin"});
            const text = await r.text();
            let parsed = null;
            try { parsed = JSON.parse(text); } catch (e) { parsed = null; }
            return {status: r.status, json: parsed, text: text};
        }""", [path, data, token])

    def get(self, path: str) -> int:
        """The status of a GET from a script on the page (with the page's cookie)."""
        return self.page.evaluate("async path => (await fetch(path, {credentials: 'same-origin'})).status", path)

    def current_csrf(self) -> str:
        """The session's CSRF token now (it changes at sign-in; chat.js keeps it to itself): a fresh copy of the
        page, fetched with the same cookie, carries it."""
        html = self.page.evaluate("async () => (await fetch('/', {credentials: 'same-origin'})).text()")
        return html.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]

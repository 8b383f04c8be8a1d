"""A fake Telegram Bot API, as strict as the real one on the parts the bot uses.

``FakeBotApi`` holds the state and answers method calls; ``FakeTelegramServer`` serves it over HTTP on
127.0.0.1 (``http://127.0.0.1:PORT/bot<token>/<method>``), and ``FakeRequest`` hands calls to it in-process
(python-telegram-bot's custom request object, for handler tests without any network).

Strict where Telegram is: parameters arrive form-encoded (python-telegram-bot's way), as JSON or as
multipart; a wrong token is 401; an unknown method 404; text must be 1-4096 characters (UTF-16 units)
after trimming; captions at most 1024; callback data 1-64 bytes; answerCallbackQuery only for a query
that exists and was not answered; sendMessage only to chats that wrote to the bot; getUpdates is refused
while a webhook is set; webhook secrets only from A-Z a-z 0-9 _ -.
Everything the bot sends is recorded in order, together with what the users sent, for transcripts.

Faults can be scripted per method (``api.fail("sendMessage", times=2, status=502)``): the next calls of
that method are not carried out and get what Telegram or the proxy in front of it answers instead: 429
with Telegram's error JSON and ``parameters.retry_after``, a 5xx with Telegram's error JSON, or a 5xx with
a proxy's HTML page (``json_body=False``). Faulted calls are listed in ``api.faulted``, not in ``errors``.
"""
from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from telegram.request import BaseRequest, RequestData

BOT_ID = 7000000001
BOT_USERNAME = "naervaer_test_bot"


HTTP_PHRASES = {429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
                503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class Fault:
    """What the next ``times`` calls of one method answer instead of being carried out."""

    status: int
    times: int = 1
    retry_after: int | None = None  # 429: seconds, in ``parameters.retry_after``
    json_body: bool = True          # False: a proxy's HTML page instead of Telegram's JSON

    def answer(self) -> tuple[int, dict | bytes]:
        phrase = HTTP_PHRASES.get(self.status, "Error")
        if self.status == 429:
            return 429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after "
                                                                        f"{self.retry_after}",
                         "parameters": {"retry_after": self.retry_after}}
        if not self.json_body:
            return self.status, (f"<html>\r\n<head><title>{self.status} {phrase}</title></head>\r\n<body>\r\n"
                                 f"<center><h1>{self.status} {phrase}</h1></center>\r\n<hr><center>nginx</center>"
                                 f"\r\n</body>\r\n</html>\r\n").encode()
        return self.status, {"ok": False, "error_code": self.status, "description": phrase}


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (filename, size)
    at: float = field(default_factory=time.monotonic)


@dataclass
class Event:
    """One line of the transcript: a user's update or a call the bot made."""

    who: str  # "user" or "bot"
    chat_id: int | None
    what: str
    detail: dict[str, Any]


class FakeBotApi:
    def __init__(self, token: str = "123456:TEST-token_for-the-fake-api") -> None:
        self.token = token
        self.lock = threading.Condition()
        self.updates: list[dict] = []
        self.calls: list[Call] = []
        self.events: list[Event] = []
        self.errors: list[tuple[str, str]] = []  # (method, description) of every refused call
        self.known_chats: dict[int, dict] = {}
        self.open_queries: set[str] = set()
        self.messages: dict[int, dict] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.left_chats: list[int] = []
        self.polls = 0  # getUpdates calls (not in `calls`: there are many)
        self.faults: dict[str, list[Fault]] = {}  # method -> scripted answers, in order
        self.faulted: list[tuple[str, int]] = []  # (method, status) of every call answered with a fault
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1001)
        self._query_ids = itertools.count(5001)
        self.bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Nærvær", "username": BOT_USERNAME,
                         "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}

    # --- what users do ---------------------------------------------------------

    def _push(self, update: dict, chat_id: int | None, what: str, detail: dict) -> dict:
        with self.lock:
            update["update_id"] = next(self._update_ids)
            self.updates.append(update)
            self.events.append(Event("user", chat_id, what, detail))
            self.lock.notify_all()
        return update

    @staticmethod
    def user(user_id: int, first_name: str = "Test", language_code: str | None = "nb") -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def _message(self, chat: dict, sender: dict, text: str) -> dict:
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": sender,
                   "text": text}
        command = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group(0))}]
        return message

    def private_text(self, user_id: int, text: str, *, first_name: str = "Test", language_code: str | None = "nb"
                     ) -> dict:
        chat = {"id": user_id, "type": "private", "first_name": first_name}
        with self.lock:
            self.known_chats[user_id] = chat
        message = self._message(chat, self.user(user_id, first_name, language_code), text)
        return self._push({"message": message}, user_id, "message", {"text": text})

    def group_text(self, chat_id: int, user_id: int, text: str, *, title: str = "6A foreldre") -> dict:
        chat = {"id": chat_id, "type": "group", "title": title}
        with self.lock:
            self.known_chats[chat_id] = chat
        message = self._message(chat, self.user(user_id), text)
        return self._push({"message": message}, chat_id, "group message", {"text": text})

    def added_to_group(self, chat_id: int, by_user_id: int, *, title: str = "6A foreldre") -> dict:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        with self.lock:
            self.known_chats[chat_id] = chat
        change = {"chat": chat, "from": self.user(by_user_id), "date": int(time.time()),
                  "old_chat_member": {"status": "left", "user": self.bot_user},
                  "new_chat_member": {"status": "member", "user": self.bot_user}}
        return self._push({"my_chat_member": change}, chat_id, "added the bot to a group", {"title": title})

    def press(self, user_id: int, message: dict, button_text: str, *, language_code: str | None = "nb") -> dict:
        """Press the button with this text on a message the bot sent (as recorded)."""
        markup = message.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if button["text"] == button_text:
                    query_id = str(next(self._query_ids))
                    with self.lock:
                        self.open_queries.add(query_id)
                    query = {"id": query_id, "from": self.user(user_id, language_code=language_code),
                             "message": message, "chat_instance": f"ci{user_id}", "data": button["callback_data"]}
                    return self._push({"callback_query": query}, user_id, "pressed", {"button": button_text})
        raise AssertionError(f"no button {button_text!r} on that message")

    # --- scripted faults ---------------------------------------------------------

    def fail(self, method: str, times: int = 1, status: int = 502, *, retry_after: int | None = None,
             json_body: bool = True) -> None:
        """The next ``times`` calls of ``method`` answer ``status`` (after faults scripted before)."""
        if status == 429 and not retry_after:
            raise ValueError("Telegram's 429 always carries parameters.retry_after")
        if not (status == 429 or 500 <= status <= 599):
            raise ValueError("scripted faults are 429 or 5xx")
        with self.lock:
            self.faults.setdefault(method, []).append(Fault(status, times, retry_after, json_body))

    def throttle(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer 429 Too Many Requests with ``retry_after``."""
        self.fail(method, times, 429, retry_after=retry_after)

    def faults_left(self, method: str | None = None) -> int:
        with self.lock:
            return sum(f.times for m, faults in self.faults.items() if method in (None, m) for f in faults)

    def _fault(self, method: str) -> tuple[int, dict | bytes] | None:
        with self.lock:
            faults = self.faults.get(method)
            if not faults:
                return None
            fault = faults[0]
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
            self.faulted.append((method, fault.status))
            if method == "getUpdates":
                self.polls += 1
            self.lock.notify_all()
            return fault.answer()

    # --- what the bot calls -----------------------------------------------------

    def handle(self, token: str, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
               ) -> tuple[int, dict | bytes]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        handler = getattr(self, "m_" + method.lower(), None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        faulted = self._fault(method)
        if faulted is not None:
            return faulted
        try:
            result = handler(params, files)
        except ApiError as error:
            with self.lock:
                self.errors.append((method, error.description))
            return error.code, {"ok": False, "error_code": error.code, "description": error.description}
        return 200, {"ok": True, "result": result}

    def _record(self, method: str, params: dict, files: dict, chat_id: int | None = None, what: str = "",
                detail: dict | None = None) -> None:
        with self.lock:
            self.calls.append(Call(method, params, {k: (n, len(b)) for k, (n, b) in files.items()}))
            if what:
                self.events.append(Event("bot", chat_id, what, detail or {}))
            self.lock.notify_all()

    @staticmethod
    def _json(params: dict, name: str) -> Any:
        value = params.get(name)
        if value is None or not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise bad(f"can't parse {name} JSON object") from None

    def _chat(self, params: dict) -> dict:
        raw = params.get("chat_id")
        if raw in (None, ""):
            raise bad("chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise bad("chat not found") from None
        chat = self.known_chats.get(chat_id)
        if chat is None or chat_id in self.left_chats:
            raise bad("chat not found")
        return chat

    def _markup(self, params: dict) -> dict | None:
        markup = self._json(params, "reply_markup")
        if markup is None:
            return None
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if not isinstance(rows, list):
            raise bad("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array")
        for row in rows:
            for button in row:
                if not button.get("text"):
                    raise bad("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise bad("BUTTON_DATA_INVALID")
        return markup

    def _sent_message(self, chat: dict, **content: Any) -> dict:
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                   "from": self.bot_user, **{k: v for k, v in content.items() if v is not None}}
        self.messages[message["message_id"]] = message
        return message

    def m_getme(self, params, files):
        self._record("getMe", params, files)
        return self.bot_user

    def m_setmycommands(self, params, files):
        commands = self._json(params, "commands") or []
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(c.get("description", "")) <= 256:
                raise bad("command description is too long" if c.get("description") else "BOT_COMMAND_INVALID")
        self._record("setMyCommands", params, files)
        return True

    def m_deletewebhook(self, params, files):
        self._record("deleteWebhook", params, files)
        self.webhook = {"url": ""}
        return True

    def m_setwebhook(self, params, files):
        url = params.get("url", "")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad("secret token contains unallowed characters")
        self._record("setWebhook", params, files)
        self.webhook = {"url": url, "secret_token": secret}
        return True

    def m_getwebhookinfo(self, params, files):
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}

    def m_getupdates(self, params, files):
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)  # shorter than Telegram's, for quick shutdowns
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        with self.lock:
            self.polls += 1
            self.lock.notify_all()
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self.lock.wait(max(0.0, deadline - time.monotonic()))
            return list(self.updates[:limit])

    def _text(self, params: dict) -> str:
        text = params.get("text")
        if text is None or not str(text).strip():
            raise bad("message text is empty")
        if _units(str(text)) > 4096:
            raise bad("message is too long")
        if params.get("parse_mode"):
            raise bad("this fake does not parse entities; the bot sends plain text")
        return str(text)

    def m_sendmessage(self, params, files):
        chat = self._chat(params)
        text = self._text(params)
        markup = self._markup(params)
        message = self._sent_message(chat, text=text, reply_markup=markup)
        detail = {"text": text}
        if markup:
            detail["buttons"] = [b["text"] for row in markup["inline_keyboard"] for b in row]
        self._record("sendMessage", params, files, chat["id"], "message", detail)
        return message

    def m_sendphoto(self, params, files):
        chat = self._chat(params)
        if "photo" not in files and not params.get("photo"):
            raise bad("there is no photo in the request")
        caption = params.get("caption")
        if caption and _units(caption) > 1024:
            raise bad("message caption is too long")
        markup = self._markup(params)
        photo = [{"file_id": f"photo{len(self.calls)}", "file_unique_id": f"u{len(self.calls)}", "width": 800,
                  "height": 600}]
        message = self._sent_message(chat, photo=photo, caption=caption, reply_markup=markup)
        source = files["photo"][0] if "photo" in files else params["photo"]
        self._record("sendPhoto", params, files, chat["id"], "photo", {"photo": source})
        return message

    def m_senddocument(self, params, files):
        chat = self._chat(params)
        if "document" not in files and not params.get("document"):
            raise bad("there is no document in the request")
        caption = params.get("caption")
        if caption and _units(caption) > 1024:
            raise bad("message caption is too long")
        source = files["document"][0] if "document" in files else params["document"]
        message = self._sent_message(chat, document={"file_id": f"doc{len(self.calls)}",
                                                     "file_unique_id": f"d{len(self.calls)}"}, caption=caption)
        self._record("sendDocument", params, files, chat["id"], "document", {"document": source})
        return message

    def m_answercallbackquery(self, params, files):
        query_id = params.get("callback_query_id")
        with self.lock:
            if query_id not in self.open_queries:
                raise bad("query is too old and response timeout expired or query ID is invalid")
            self.open_queries.discard(query_id)
        text = params.get("text")
        if text and len(text) > 200:
            raise bad("MESSAGE_TOO_LONG")
        self._record("answerCallbackQuery", params, files, None, "answered button", {"text": text} if text else {})
        return True

    def m_leavechat(self, params, files):
        chat = self._chat(params)
        self.left_chats.append(chat["id"])
        self._record("leaveChat", params, files, chat["id"], "left the chat", {})
        return True

    # --- for the tests ----------------------------------------------------------

    def wait_for(self, predicate, timeout: float = 60.0, what: str = "the bot"):  # noqa: ANN001
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                found = predicate()
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}; calls: "
                                         f"{[(c.method, c.params.get('text')) for c in self.calls][-10:]}")
                self.lock.wait(min(left, 0.5))

    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls
                    if (method is None or c.method == method)
                    and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))]

    def wait_for_messages(self, chat_id: int, after: int, n: int = 1, timeout: float = 60.0) -> list[dict]:
        """The next ``n`` messages (message objects as Telegram returned them) the bot sent to a chat."""
        def found():
            msgs = [m for m in self.messages.values() if m["chat"]["id"] == chat_id and m["message_id"] > after]
            return sorted(msgs, key=lambda m: m["message_id"])[:n] if len(msgs) >= n else None
        return self.wait_for(found, timeout, f"{n} message(s) to chat {chat_id}")

    def wait_for_reply(self, chat_id: int, after: int, n: int = 1, quiet: float = 0.8, timeout: float = 60.0
                       ) -> list[dict]:
        """Like ``wait_for_messages``, then until nothing more comes for ``quiet`` seconds: the whole reply."""
        got = self.wait_for_messages(chat_id, after, n, timeout)
        while True:
            time.sleep(quiet)
            more = [m for m in self.messages.values() if m["chat"]["id"] == chat_id and m["message_id"] > after]
            if len(more) == len(got):
                return got
            got = sorted(more, key=lambda m: m["message_id"])

    def last_message_id(self) -> int:
        with self.lock:
            return max([*self.messages, 0])


def _parse_body(content_type: str, body: bytes, query: str) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    files: dict[str, tuple[str, bytes]] = {}
    kind = content_type.split(";")[0].strip().lower()
    if not body:
        return params, files
    if kind == "application/json":
        data = json.loads(body)
        for k, v in data.items():
            params[k] = v if isinstance(v, str) else json.dumps(v) if isinstance(v, (dict, list)) else str(v).lower() \
                if isinstance(v, bool) else str(v)
    elif kind == "application/x-www-form-urlencoded":
        params.update({k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()})
    elif kind == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename:
                files[name] = (filename, payload)
            else:
                params[name] = payload.decode()
    else:
        raise ValueError(f"unsupported content type {content_type!r}")
    return params, files


class FakeTelegramServer:
    """The fake API over HTTP on a free loopback port."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        fake = api

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                path, _, query = self.path.partition("?")
                match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", path)
                if not match:
                    self._send(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    params, files = _parse_body(self.headers.get("Content-Type", ""), body, query)
                except (ValueError, UnicodeDecodeError) as error:
                    self._send(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"})
                    return
                status, answer = fake.handle(match[1], match[2], params, files)
                self._send(status, answer)

            do_GET = do_POST = _serve

            def _send(self, status: int, answer: dict | bytes) -> None:
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if isinstance(answer, bytes) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the bot stopped during a long poll
                    pass

            def log_message(self, *args: object) -> None:  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="fake-telegram", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def __enter__(self) -> FakeTelegramServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self.api.lock:
            self.api.lock.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeRequest(BaseRequest):
    """python-telegram-bot's request object, answered by a FakeBotApi in the same process (no network)."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=None, write_timeout=None, connect_timeout=None, pool_timeout=None,
                         ) -> tuple[int, bytes]:
        match = re.search(r"/bot([^/]+)/([A-Za-z]+)$", url)
        params = dict(request_data.json_parameters) if request_data else {}
        files: dict[str, tuple[str, bytes]] = {}
        if request_data and request_data.multipart_data:
            for name, value in request_data.multipart_data.items():
                files[name] = (value[0], value[1]) if isinstance(value, tuple) else ("file", bytes(value))
        if match[2] == "getUpdates":  # never long-poll in-process
            params["timeout"] = "0"
        status, answer = self.api.handle(match[1], match[2], params, files)
        return status, answer if isinstance(answer, bytes) else json.dumps(answer).encode()

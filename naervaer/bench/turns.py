"""Chat turns over the Rasa REST channel: a load client and its statistics.

A *turn kind* is one timed message, with untimed steps before it (e.g. opening a form) and after it
(e.g. declining the confirmation so nothing is stored). Latency is measured with one client;
throughput with N concurrent clients, each its own conversation, every client sending a fixed number of
turns (bounded by a deadline). Each client moves to a fresh sender id every few turns, so trackers stay
as short as real conversations are.
"""
from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

REST_PATH = "/webhooks/rest/webhook"


# --- statistics ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks (as numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (pos - low))


def summarize(latencies_ms: Sequence[float]) -> dict:
    return {"n": len(latencies_ms), "median_ms": round(percentile(latencies_ms, 50), 1),
            "p95_ms": round(percentile(latencies_ms, 95), 1)}


# --- what a turn is ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Press:
    """Press the button whose title starts with this, on the previous reply (sends its payload)."""
    title: str


Step = Say | Press


@dataclass(frozen=True)
class TurnKind:
    name: str
    timed: Step
    before: tuple[Step, ...] = ()
    after: tuple[Step, ...] = ()
    expect: str | None = None          # a text the timed reply must contain, else the turn is an error
    sender_prefix: str = "bench"       # sender ids are f"{sender_prefix}-{run}-{client}-{n}"


class TurnError(Exception):
    pass


@dataclass
class SenderPool:
    """Sender ids for a run: client c's k-th turn goes to f"{prefix}-{run}-{c}-{k // per_sender}"."""
    run: str
    per_sender: int = 8

    def sender(self, prefix: str, client: int, turn: int) -> str:
        return f"{prefix}-{self.run}-{client}-{turn // self.per_sender}"

    def all_senders(self, prefix: str, clients: int, turns_per_client: int) -> list[str]:
        return sorted({self.sender(prefix, c, k) for c in range(clients) for k in range(turns_per_client)})


class RestClient:
    def __init__(self, base_url: str, client: httpx.AsyncClient) -> None:
        self.url = base_url.rstrip("/") + REST_PATH
        self.client = client

    async def send(self, sender: str, text: str) -> list[dict]:
        try:
            response = await self.client.post(self.url, json={"sender": sender, "message": text})
        except httpx.HTTPError as error:
            raise TurnError(f"{type(error).__name__}") from error
        if response.status_code != 200:
            raise TurnError(f"HTTP {response.status_code}")
        messages = response.json()
        if not messages:
            raise TurnError("empty reply")
        return messages


def _text_of(step: Step, previous: list[dict]) -> str:
    if isinstance(step, Say):
        return step.text
    for message in previous:
        for button in message.get("buttons") or []:
            if str(button.get("title", "")).startswith(step.title):
                return button["payload"]
    raise TurnError(f"no button {step.title!r} in the reply")


def _joined(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


@dataclass
class TurnResult:
    ms: float
    started: float  # time.time() when the timed request was sent
    ended: float
    reply: list[dict] = field(default_factory=list)


async def run_turn(client: RestClient, kind: TurnKind, sender: str) -> TurnResult:
    """The untimed steps before, the timed step, the untimed steps after."""
    previous: list[dict] = []
    for step in kind.before:
        previous = await client.send(sender, _text_of(step, previous))
    text = _text_of(kind.timed, previous)
    started_wall, t0 = time.time(), time.perf_counter()
    reply = await client.send(sender, text)
    ms = (time.perf_counter() - t0) * 1000
    ended_wall = time.time()
    if kind.expect is not None and kind.expect not in _joined(reply):
        raise TurnError(f"unexpected reply: {_joined(reply)[:300]!r}")
    previous = reply
    for step in kind.after:
        previous = await client.send(sender, _text_of(step, previous))
    return TurnResult(ms=ms, started=started_wall, ended=ended_wall, reply=reply)


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class LoadResult:
    clients: int
    turns: int           # timed turns that succeeded
    errors: int
    seconds: float
    latencies_ms: list[float]
    error_kinds: dict[str, int] = field(default_factory=dict)
    error_examples: dict[str, str] = field(default_factory=dict)  # the first error of each kind, in full

    @property
    def turns_per_s(self) -> float:
        return self.turns / self.seconds if self.seconds > 0 else 0.0

    def row(self) -> dict:
        return {"clients": self.clients, "turns": self.turns, "errors": self.errors,
                "seconds": round(self.seconds, 2), "turns_per_s": round(self.turns_per_s, 2),
                **{k: v for k, v in summarize(self.latencies_ms).items() if k != "n"},
                "error_kinds": dict(self.error_kinds), "error_examples": dict(self.error_examples)}


async def drive(base_url: str | Sequence[str], kind: TurnKind, *, clients: int, turns_per_client: int,
                pool: SenderPool, deadline_s: float = 300.0, timeout_s: float = 60.0,
                on_result: Callable[[str, TurnResult], None] | None = None) -> LoadResult:
    """`clients` concurrent conversations, each sending `turns_per_client` turns of `kind` one after the
    other; stops early at the deadline (turns not started are not counted). With several servers,
    conversation c goes to server c modulo their number, as a load balancer would spread them."""
    urls = [base_url] if isinstance(base_url, str) else list(base_url)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    examples: dict[str, str] = {}
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as http:
        servers = [RestClient(url, http) for url in urls]
        stop_at = time.monotonic() + deadline_s

        async def one_client(c: int) -> None:
            rest = servers[c % len(servers)]
            for k in range(turns_per_client):
                if time.monotonic() > stop_at:
                    return
                sender = pool.sender(kind.sender_prefix, c, k)
                try:
                    result = await run_turn(rest, kind, sender)
                except TurnError as error:
                    key = str(error).split(":")[0]
                    errors[key] = errors.get(key, 0) + 1
                    examples.setdefault(key, str(error))
                    continue
                latencies.append(result.ms)
                if on_result is not None:
                    on_result(sender, result)

        started = time.perf_counter()
        await asyncio.gather(*(one_client(c) for c in range(clients)))
        seconds = time.perf_counter() - started
    return LoadResult(clients=clients, turns=len(latencies), errors=sum(errors.values()), seconds=seconds,
                      latencies_ms=latencies, error_kinds=errors, error_examples=examples)


def measure(base_url: str | Sequence[str], kind: TurnKind, *, clients: int, turns_per_client: int, pool: SenderPool,
            **kw: object) -> LoadResult:
    return asyncio.run(drive(base_url, kind, clients=clients, turns_per_client=turns_per_client, pool=pool,
                             **kw))


def turns_per_client(clients: int, total_turns: int, minimum: int = 3) -> int:
    """Turns each client sends so that a level sends about `total_turns` in all."""
    return max(minimum, math.ceil(total_turns / clients))


async def parse_times(base_url: str, texts: Sequence[str], repeat: int = 10) -> dict[str, dict]:
    """/model/parse (NLU only; needs `rasa run --enable-api`): median/p95 ms per text."""
    out: dict[str, dict] = {}
    async with httpx.AsyncClient(timeout=30) as http:
        for text in texts:
            timings = []
            for i in range(repeat + 2):
                t0 = time.perf_counter()
                response = await http.post(base_url.rstrip("/") + "/model/parse", json={"text": text})
                response.raise_for_status()
                if i >= 2:  # two warm-up calls
                    timings.append((time.perf_counter() - t0) * 1000)
            out[text] = summarize(timings)
    return out

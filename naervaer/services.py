"""Training the model and running the two servers (Rasa and the action server) as child processes, and
the Telegram bot beside them.

Used by the demo, `naervaer serve` and the end-to-end tests, so all three start the same way.
"""
from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from naervaer.settings import PROJECT_ROOT, Settings

RASA_VENV = Path(os.environ.get("NAERVAER_RASA_VENV", PROJECT_ROOT / ".venv-rasa"))
RASA_RUNTIME = PROJECT_ROOT / "rasa_runtime"
TRAINING_INPUTS = ("config.yml", "domain", "data/nlu", "data/rules", "data/stories", "requirements-rasa.lock")


class ServiceError(RuntimeError):
    pass


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (for tests and benchmarks)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rasa_executable() -> Path:
    exe = RASA_VENV / "bin" / "rasa"
    if not exe.exists():
        raise ServiceError(f"The Rasa engine is not installed at {RASA_VENV}. Run: bash scripts/setup.sh rasa")
    return exe


def _training_files() -> list[Path]:
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = PROJECT_ROOT / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [f for f in files if f.exists()]


def training_fingerprint() -> str:
    """A hash of everything training reads: the model is rebuilt only when this changes."""
    digest = hashlib.sha256()
    for f in _training_files():
        digest.update(str(f.relative_to(PROJECT_ROOT)).encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def model_path(models_dir: Path) -> Path:
    return models_dir / f"naervaer-{training_fingerprint()}.tar.gz"


def rasa_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore",
               SQLALCHEMY_SILENCE_UBER_WARNING="1",
               # rasa_runtime/sitecustomize.py: jsonschema's per-call schema self-check, measured as 30 % of the
               # Rasa server's CPU, is done once per schema.
               PYTHONPATH=os.pathsep.join(filter(None, [str(RASA_RUNTIME), env.get("PYTHONPATH")])))
    return env


def train(models_dir: Path, *, show_output: bool = True) -> Path:
    """Train unless a model for the current training data exists; returns the model file."""
    target = model_path(models_dir)
    if target.exists():
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".train-") as tmp:
        data = [str(PROJECT_ROOT / d) for d in ("data/nlu", "data/rules", "data/stories")
                if (PROJECT_ROOT / d).exists()]
        cmd = [str(rasa_executable()), "train", "--config", str(PROJECT_ROOT / "config.yml"),
               "--domain", str(PROJECT_ROOT / "domain"), "--data", *data, "--out", tmp,
               "--fixed-model-name", "model"]
        started = time.monotonic()
        result = subprocess.run(cmd, cwd=PROJECT_ROOT, env=rasa_env(),
                                stdout=None if show_output else subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            tail = (result.stdout or "")[-3000:]
            raise ServiceError(f"rasa train failed (exit {result.returncode}).\n{tail}")
        os.replace(Path(tmp) / "model.tar.gz", target)  # atomic: a half-written model is never picked up
    for old in models_dir.glob("naervaer-*.tar.gz"):
        if old != target:
            old.unlink(missing_ok=True)
    (models_dir / "last-training-seconds.txt").write_text(f"{time.monotonic() - started:.0f}\n")
    return target


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def kill(self) -> None:
        """Stop at once, the way a crash or a power cut would: no clean shutdown."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is not None:
            return
        # Each child leads its own process group, so workers it forked stop with it.
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)
        except ProcessLookupError:
            pass


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to stop it when the process that started it dies,
    so a killed demo or test run never leaves servers holding the ports."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _spawn(name: str, cmd: list[str], env: dict[str, str], log_dir: Path) -> Child:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    log = log_path.open("ab")
    process = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True,
                               preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    log.close()
    return Child(name=name, process=process, log_path=log_path)


def _wait_ready(child: Child, url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            raise ServiceError(f"{child.name} stopped while starting (exit {child.process.returncode}). "
                               f"Its log ({child.log_path}) ends with:\n{child.log_tail()}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    child.stop()
    raise ServiceError(f"{child.name} did not answer at {url} within {timeout:.0f} s. Log: {child.log_path}")


def start_action_server(settings: Settings, *, timeout: float = 60) -> Child:
    env = dict(os.environ)
    # The var dir too: the charts and invitations the actions write must land where the web chat serves from.
    env.update(SANIC_HOST="127.0.0.1", DATABASE_URL=settings.database_url, NAERVAER_VAR_DIR=str(settings.var_dir),
               NAERVAER_LOG_LEVEL=settings.log_level, PYTHONPATH=str(PROJECT_ROOT))
    cmd = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.actions_port)]
    if settings.log_level in {"WARNING", "ERROR"}:
        cmd.append("--quiet")
    child = _spawn("actions", cmd, env, settings.var_dir / "logs")
    _wait_ready(child, f"http://127.0.0.1:{settings.actions_port}/health", timeout)
    return child


def start_web(settings: Settings, *, timeout: float = 60, name: str = "web") -> Child:
    """The web chat as its own process, ``python -m web`` (the core never imports it), in front of the
    Rasa server of `settings`. Several can run side by side on different ports: sessions are in the store."""
    env = dict(os.environ)
    env.update(NAERVAER_RASA_PORT=str(settings.rasa_port), DATABASE_URL=settings.database_url,
               NAERVAER_VAR_DIR=str(settings.var_dir), NAERVAER_LOG_LEVEL=settings.log_level,
               NAERVAER_WEB_HOST=settings.web_host, NAERVAER_WEB_PORT=str(settings.web_port),
               PYTHONPATH=str(PROJECT_ROOT))
    child = _spawn(name, [sys.executable, "-m", "web"], env, settings.var_dir / "logs")
    _wait_ready(child, f"{settings.web_url}/widget.js", timeout)  # a static file: polling makes no session
    return child


def start_telegram_bot(settings: Settings, env: dict[str, str] | None = None, *, timeout: float = 60) -> Child:
    """The Telegram front end as its own process, ``python -m bot`` (the core never imports the bot), beside
    the servers of `settings` (`naervaer demo` / `serve` when TELEGRAM_BOT_TOKEN is set, the bench, the tests).

    `env` (default: this process's) carries the bot's own variables: TELEGRAM_BOT_TOKEN, and for a fake or
    local Bot API TELEGRAM_API_BASE_URL. Returns once the bot has reached the Bot API; ``.stop()`` ends it
    (SIGTERM, which python-telegram-bot turns into a clean shutdown). Its log is ``var/logs/telegram.log``."""
    child_env = dict(os.environ if env is None else env)
    if not child_env.get("TELEGRAM_BOT_TOKEN"):
        raise ServiceError("TELEGRAM_BOT_TOKEN is not set")
    ready = settings.var_dir / "telegram.ready"
    ready.unlink(missing_ok=True)
    child_env.update(NAERVAER_RASA_PORT=str(settings.rasa_port), DATABASE_URL=settings.database_url,
                     NAERVAER_VAR_DIR=str(settings.var_dir), NAERVAER_LOG_LEVEL=settings.log_level,
                     NAERVAER_BOT_READY_FILE=str(ready), PYTHONPATH=str(PROJECT_ROOT))
    child = _spawn("telegram", [sys.executable, "-m", "bot"], child_env, settings.var_dir / "logs")
    # The bot has no health URL: it touches the ready file after getMe (bot.main._post_init).
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if child.process.poll() is not None:
            raise ServiceError(f"the Telegram bot stopped while starting (exit {child.process.returncode}). "
                               f"Its log ({child.log_path}) ends with:\n{child.log_tail()}")
        if time.monotonic() > deadline:
            child.stop()
            raise ServiceError(f"the Telegram bot did not reach the Bot API within {timeout:.0f} s. "
                               f"Log: {child.log_path}")
        time.sleep(0.2)
    return child


def lock_store_env(lock_store_url: str) -> dict[str, str]:
    """The variables endpoints.yml reads for the lock store: in memory, or Redis from its URL."""
    if not lock_store_url:
        return dict(NAERVAER_LOCK_STORE_TYPE="in_memory", NAERVAER_LOCK_STORE_HOST="",
                    NAERVAER_LOCK_STORE_PORT="", NAERVAER_LOCK_STORE_DB="")
    url = urlsplit(lock_store_url)
    if url.scheme != "redis" or not url.hostname:
        raise ServiceError(f"LOCK_STORE_URL must look like redis://host:6379/1, not {url.scheme}://…")
    return dict(NAERVAER_LOCK_STORE_TYPE="redis", NAERVAER_LOCK_STORE_HOST=url.hostname,
                NAERVAER_LOCK_STORE_PORT=str(url.port or 6379), NAERVAER_LOCK_STORE_DB=url.path.strip("/") or "1")


def _spawn_rasa(settings: Settings, model: Path, name: str) -> Child:
    env = rasa_env()
    env.update(NAERVAER_ACTION_ENDPOINT=settings.actions_url,
               NAERVAER_TRACKER_STORE_URL=settings.tracker_store_url, **lock_store_env(settings.lock_store_url))
    if settings.tracker_store_url.startswith("sqlite:///"):
        Path(settings.tracker_store_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(rasa_executable()), "run", "--model", str(model), "--interface", "127.0.0.1",
           "--port", str(settings.rasa_port), "--endpoints", str(PROJECT_ROOT / "endpoints.yml"),
           "--credentials", str(PROJECT_ROOT / "credentials.yml")]
    if settings.log_level in {"WARNING", "ERROR"}:
        cmd.append("--quiet")
    return _spawn(name, cmd, env, settings.var_dir / "logs")


def start_rasa_server(settings: Settings, model: Path, *, timeout: float = 180, name: str = "rasa") -> Child:
    return start_rasa_servers([settings], model, timeout=timeout, names=[name])[0]


def start_rasa_servers(settings: list[Settings], model: Path, *, timeout: float = 180,
                       names: list[str] | None = None) -> list[Child]:
    """Rasa servers on each settings' port, loading the model side by side. Several servers need a
    shared lock store (Settings.lock_store_url) and distinct names (a name is the log file's).
    Call this from a thread that outlives the servers: Linux stops a child when the thread that
    started it ends (PR_SET_PDEATHSIG)."""
    names = names or [f"rasa-{i + 1}" for i in range(len(settings))]
    children = [_spawn_rasa(s, model, name) for s, name in zip(settings, names, strict=True)]
    try:
        for child, s in zip(children, settings):
            _wait_ready(child, f"{s.rasa_url}/webhooks/rest/", timeout)
    except ServiceError:
        for child in children:
            child.stop()
        raise
    return children


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both end the foreground command through KeyboardInterrupt, so the
    `finally` that stops the servers runs (a shell may have started us with SIGINT ignored)."""
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, interrupt)


@contextmanager
def running_stack(settings: Settings, model: Path, *, web: bool = False) -> Iterator[list[Child]]:
    """Both servers (and the web chat in front of them, with `web`), stopped again however the block
    ends (Ctrl-C included)."""
    children: list[Child] = []
    try:
        children.append(start_action_server(settings))
        children.append(start_rasa_server(settings, model))
        if web:
            children.append(start_web(settings))
        yield children
    finally:
        for child in reversed(children):
            child.stop()


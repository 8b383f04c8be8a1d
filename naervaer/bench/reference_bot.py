"""The reference: the stock bot of `rasa init`, with its sample custom action switched on.

The project is made with the same function `rasa init --no-prompt` calls (rasa.cli.scaffold
.create_initial_project, from .venv-rasa), without the training `rasa init` starts on its own, because
the files are changed before training: the sample action `action_hello_world` in actions/actions.py is
uncommented, declared in domain.yml, and the rule for `bot_challenge` runs it instead of
`utter_iamabot`, so "are you a bot?" is a turn with one custom action and "hello" a turn answered by a
response. The trained model is kept in models/reference/, named by a hash of its training files and the
Rasa lock file, so repeated bench runs train it once. Served with `rasa run` (with --enable-api, for
/model/parse and the tracker) and `rasa run actions` from .venv-rasa, on loopback.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from naervaer import services
from naervaer.settings import PROJECT_ROOT

CACHE_DIR = PROJECT_ROOT / "models" / "reference"
TRAINING_FILES = ("config.yml", "domain.yml", "data/nlu.yml", "data/rules.yml", "data/stories.yml")
RESPONSE_TEXT = "hello"
CUSTOM_ACTION_TEXT = "are you a bot?"
CUSTOM_ACTION_REPLY = "Hello World!"


def _rasa_bin(name: str) -> Path:
    return services.rasa_executable().parent / name


def scaffold(folder: Path) -> None:
    """The files `rasa init --no-prompt` writes, then the custom action switched on."""
    folder.mkdir(parents=True, exist_ok=True)
    code = "import sys; from rasa.cli.scaffold import create_initial_project; create_initial_project(sys.argv[1])"
    subprocess.run([str(_rasa_bin("python")), "-c", code, str(folder)], check=True, env=services.rasa_env(),
                   capture_output=True)
    enable_custom_action(folder)


def enable_custom_action(folder: Path) -> None:
    actions = folder / "actions" / "actions.py"
    lines = actions.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# from typing"))
    body = [line[2:] if line.startswith("# ") else "" if line == "#" else line for line in lines[start:]]
    actions.write_text("\n".join(lines[:start] + body) + "\n")

    domain = folder / "domain.yml"
    text = domain.read_text()
    if "action_hello_world" not in text:
        domain.write_text(text.rstrip("\n") + "\n\nactions:\n  - action_hello_world\n")

    rules = folder / "data" / "rules.yml"
    text = rules.read_text()
    marker = "  - intent: bot_challenge\n  - action: utter_iamabot"
    if marker not in text:
        raise RuntimeError(f"the rasa init rules changed; cannot route bot_challenge in {rules}")
    rules.write_text(text.replace(marker, "  - intent: bot_challenge\n  - action: action_hello_world"))


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in TRAINING_FILES:
        digest.update(name.encode())
        digest.update((folder / name).read_bytes())
    lock = PROJECT_ROOT / "requirements-rasa.lock"
    if lock.exists():
        digest.update(lock.read_bytes())
    return digest.hexdigest()[:16]


def trained_model(folder: Path, cache_dir: Path = CACHE_DIR) -> tuple[Path, float | None]:
    """The cached model for these files, trained first when missing. Returns (model, training seconds
    or None when it came from the cache)."""
    import time

    target = cache_dir / f"reference-{fingerprint(folder)}.tar.gz"
    if target.exists():
        return target, None
    cache_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".train-") as tmp:
        cmd = [str(services.rasa_executable()), "train", "--config", "config.yml", "--domain", "domain.yml",
               "--data", "data", "--out", tmp, "--fixed-model-name", "model"]
        result = subprocess.run(cmd, cwd=folder, env=services.rasa_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            raise services.ServiceError(f"training the reference bot failed:\n{result.stdout[-3000:]}")
        os.replace(Path(tmp) / "model.tar.gz", target)
    return target, time.monotonic() - started


def _spawn_in(folder: Path, name: str, cmd: list[str], env: dict[str, str], log_dir: Path) -> services.Child:
    """Like services._spawn, but in the reference project's folder (its own process group, stopped with us)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(cmd, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   preexec_fn=services._die_with_parent if sys.platform == "linux" else None)
    return services.Child(name=name, process=process, log_path=log_path)


@contextmanager
def serving(folder: Path, model: Path, *, rasa_port: int, actions_port: int, log_dir: Path
            ) -> Iterator[tuple[services.Child, services.Child]]:
    """`rasa run actions` and `rasa run` of the reference project, stopped however the block ends."""
    endpoints = folder / "bench-endpoints.yml"
    endpoints.write_text(f"action_endpoint:\n  url: \"http://127.0.0.1:{actions_port}/webhook\"\n")
    env = services.rasa_env()
    env.update(SANIC_HOST="127.0.0.1", PYTHONPATH=str(folder))
    children: list[services.Child] = []
    try:
        actions = _spawn_in(folder, "reference-actions", [str(services.rasa_executable()), "run", "actions",
                                                           "--port", str(actions_port), "--actions", "actions"],
                            env, log_dir)
        children.append(actions)
        services._wait_ready(actions, f"http://127.0.0.1:{actions_port}/health", 90)
        rasa = _spawn_in(folder, "reference-rasa", [str(services.rasa_executable()), "run", "--model", str(model),
                                                    "--interface", "127.0.0.1", "--port", str(rasa_port),
                                                    "--endpoints", str(endpoints), "--credentials",
                                                    str(folder / "credentials.yml"), "--enable-api", "--quiet"],
                         env, log_dir)
        children.append(rasa)
        services._wait_ready(rasa, f"http://127.0.0.1:{rasa_port}/webhooks/rest/", 180)
        yield actions, rasa
    finally:
        for child in reversed(children):
            child.stop()


@contextmanager
def project() -> Iterator[Path]:
    """A fresh reference project in a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="naervaer-reference-"))
    try:
        scaffold(folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)

#!/usr/bin/env bash
# Creates or refreshes the two environments:
#   .venv       the app (Python >= 3.11): naervaer, actions, bot, tests
#   .venv-rasa  the Rasa engine (Python 3.10): rasa==3.6.21 and nothing else
# and, for the browser tests, Debian's Chromium (apt-get, only when /usr/bin/chromium is missing).
# Each is rebuilt only when the file that defines it changed (a stamp holds its hash).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

runs() { "$1" -c 'import sys' >/dev/null 2>&1; }

find_python310() {
  local c
  if [ -n "${RASA_PYTHON:-}" ] && runs "$RASA_PYTHON"; then echo "$RASA_PYTHON"; return; fi
  # A pyenv shim named python3.10 exists even when it cannot run, so try it, don't trust `which`.
  if command -v python3.10 >/dev/null 2>&1 && runs python3.10; then command -v python3.10; return; fi
  for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10.*/bin/python3.10; do
    if [ -x "$c" ] && runs "$c"; then echo "$c"; return; fi
  done
  if command -v uv >/dev/null 2>&1; then
    c=$(uv python find 3.10 2>/dev/null || true)
    if [ -n "$c" ] && runs "$c"; then echo "$c"; return; fi
  fi
  return 1
}

find_python_app() {
  local c
  for c in "${APP_PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$c" ] || continue
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$c"; return
    fi
  done
  return 1
}

stamp_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

ensure_env() { # mode dir python stamp-sources... -- pip-args...
  # mode "update": install the changed definition into the existing environment (the app's ranges
  # allow that); mode "fresh": rebuild from nothing (the Rasa engine's exact pins must not mix).
  local mode=$1 dir=$2 py=$3; shift 3
  local sources=() ; while [ "$1" != "--" ]; do sources+=("$1"); shift; done; shift
  local want; want=$(stamp_of "${sources[@]}")
  if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$want" ]; then return; fi
  local t0=$SECONDS
  say "building $dir with $("$py" --version 2>&1) ($*)"
  if [ "$mode" = fresh ] || [ ! -x "$dir/bin/python" ]; then
    rm -rf "$dir"
    "$py" -m venv "$dir"
  fi
  "$dir/bin/python" -m pip install --progress-bar on --upgrade pip >/dev/null
  "$dir/bin/python" -m pip install --progress-bar on "$@"
  echo "$want" > "$dir/.stamp"
  say "$dir ready in $((SECONDS - t0)) s, $(du -sh "$dir" | cut -f1) on disk"
}

ensure_chromium() {
  # The browser tests drive Debian's Chromium: Playwright's own browser download does not work here.
  if [ -x /usr/bin/chromium ]; then return; fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      say "skipping Chromium: /usr/bin/chromium is missing and installing it needs root (or sudo)."
      say "Install it with 'apt-get install chromium chromium-driver'; the browser tests skip without it."
      return
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "skipping Chromium: no apt-get here; install a Chromium at /usr/bin/chromium for the browser tests."
    return
  fi
  local t0=$SECONDS
  say "installing Debian's chromium and chromium-driver with apt-get (for the browser tests)"
  local out
  # Offline or a broken mirror must not stop the rest of the set-up: say so, and the browser tests skip.
  if ! out=$($sudo apt-get update -qq 2>&1 && \
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver 2>&1); then
    printf '%s\n' "$out" | tail -n 5 >&2
    say "could not install Chromium (offline?); the browser tests skip until /usr/bin/chromium exists."
    return
  fi
  say "Chromium ready in $((SECONDS - t0)) s: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
}

want=${1:-all}

if [ "$want" = all ] || [ "$want" = browser ]; then
  ensure_chromium
fi

if [ "$want" = all ] || [ "$want" = app ]; then
  if ! APP_PY=$(find_python_app); then
    say "Python 3.11 or newer is needed for the app and was not found."
    say "Install it (e.g. 'pyenv install 3.11' or your system's python3.11 package) or set APP_PYTHON=/path/to/python3.11."
    exit 1
  fi
  ensure_env update .venv "$APP_PY" pyproject.toml -- -e '.[dev]'
fi

if [ "$want" = all ] || [ "$want" = rasa ]; then
  if ! RASA_PY=$(find_python310); then
    say "Rasa 3.6 needs Python 3.10, and none was found (looked at: \$RASA_PYTHON, python3.10 on PATH,"
    say "${PYENV_ROOT:-$HOME/.pyenv}/versions/3.10.*, 'uv python find 3.10')."
    say "Install one, e.g. 'pyenv install 3.10' or 'uv python install 3.10', or set RASA_PYTHON=/path/to/python3.10."
    exit 1
  fi
  [ -f .venv-rasa/.stamp ] || say "installing the Rasa engine takes about 2-3 minutes and 2.7 GB"
  ensure_env fresh .venv-rasa "$RASA_PY" requirements-rasa.txt requirements-rasa.lock -- -r requirements-rasa.txt
fi

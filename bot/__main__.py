"""python -m bot: the Telegram front end (needs TELEGRAM_BOT_TOKEN and a running Rasa server)."""
from __future__ import annotations

import sys

from bot.config import ConfigError


def main() -> int:
    from bot.main import run

    try:
        run()
    except ConfigError as error:
        print(f"naervaer bot: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

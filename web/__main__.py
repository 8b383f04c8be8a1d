"""`python -m web`: the web chat on NAERVAER_WEB_HOST:NAERVAER_WEB_PORT (loopback by default)."""
from __future__ import annotations

import logging
import os

import uvicorn

from web.app import create_app
from web.config import load_config


def main() -> None:
    level = os.environ.get("NAERVAER_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = load_config()
    proxied = bool(config.forwarded_allow_ips)
    # uvicorn's own access log is off: it logs client addresses and query strings; ours logs route and status.
    uvicorn.run(create_app(config), host=config.host, port=config.port, access_log=False, log_level=level.lower(),
                server_header=False, proxy_headers=proxied, timeout_keep_alive=config.keep_alive,
                forwarded_allow_ips=config.forwarded_allow_ips if proxied else None)


if __name__ == "__main__":
    main()

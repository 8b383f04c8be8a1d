"""The web chat: a small ASGI app in front of the Rasa REST channel, for a municipality's own web pages.

A thin adapter like `bot/`: it reads pupil data only through the core, and only the core decides what a
person may see. The browser never chooses a Rasa sender id; its session (in the store) does."""

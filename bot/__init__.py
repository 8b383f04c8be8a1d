"""The Telegram front end: private chats only, talking to the Rasa server's REST channel.

Start it with ``python -m bot`` (or ``bot.main.run(settings)``); docs/telegram.md describes it.
"""

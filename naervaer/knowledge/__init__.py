"""The guides as sourced knowledge: small units (one question, one answer), found by what was asked.

`units` loads and validates them, `ranker` finds the best ones for a message, `coverage` shows which
lines of each seed guide they cite, `exam` measures how often the right unit is found.
"""

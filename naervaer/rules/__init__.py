"""Rules over absence: thresholds and patterns from the guides, explanations, and the next step."""
from naervaer.rules.engine import Flag, evaluate, evaluate_many, window_bounds

__all__ = ["Flag", "evaluate", "evaluate_many", "window_bounds"]

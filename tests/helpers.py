"""Constants and small helpers shared by the tests."""
from datetime import date

# A fixed Monday, so tests about "today" and school days are repeatable.
TODAY = date(2026, 11, 23)

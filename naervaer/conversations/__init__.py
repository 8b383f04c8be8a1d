"""The assistant's answers, one module per capability. Each takes a short database session and
plain values (never a Rasa tracker) and returns a Reply in the asker's language."""

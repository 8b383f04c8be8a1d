"""Imports from the school systems (Visma Flyt Skole, Vigilo, IST ...) as CSV, and the export back.

Every import runs in one transaction: a file with one bad row imports nothing, and every bad row is
reported with its line number and the reason. Importing the same file twice changes nothing."""

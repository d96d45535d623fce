"""Experiments whose results the book shows (scripts, importable by the tests)."""

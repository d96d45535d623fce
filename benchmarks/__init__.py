"""Benchmarks of rnnlib (scripts, importable by the book)."""

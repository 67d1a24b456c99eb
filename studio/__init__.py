"""Commune Radio Studio core: every rule, file format and network call; no Qt."""

__version__ = "0.1.0"

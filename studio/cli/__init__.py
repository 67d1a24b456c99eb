"""`radio-studio`: the command line of the studio core, one module per command group."""

from studio.cli.main import build_parser, main

__all__ = ["build_parser", "main"]

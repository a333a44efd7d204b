"""The command line: a thin root that registers one module per command."""

from summarizer.cli.app import app, main

__all__ = ["app", "main"]

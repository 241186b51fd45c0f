"""CLI commands of this group (to be written)."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Register this group's subcommands (none yet)."""

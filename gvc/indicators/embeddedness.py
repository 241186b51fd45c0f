"""Embeddedness of cluster nodes (issue 5). Placeholder: steps are added here."""

from __future__ import annotations

from gvc.indicators.step import Step

STEPS: dict[str, Step] = {}

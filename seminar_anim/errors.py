"""Errors a user can cause and fix: the CLI prints their one-line message and exits with status 2."""


class UserError(Exception):
    """Base of every error whose message tells the user what to change."""


class ExpressionError(UserError, ValueError):
    """A user's expression or `--at` value that cannot be traced."""


class DeviceError(UserError, RuntimeError):
    """The requested device cannot be used."""


class UnknownSceneError(UserError, LookupError):
    """A scene name that is not in the catalogue, or an option the scene does not take."""


class OutputError(UserError, RuntimeError):
    """An output that cannot be produced with the options given."""


USER_ERRORS = (UserError,)


def clipped(text: str, limit: int = 40) -> str:
    """A user's text quoted in an error message, cut to a readable length."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class SnippetError(UserError, ValueError):
    """Lesson code that cannot run at all: not found, not UTF-8, a syntax error, no statement."""

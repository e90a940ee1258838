"""Domain errors: raised by services, shown to people by views."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refuses the change; the message is translated and user-facing.

    ``code`` is a short, stable, untranslated name of the rule (``"round_closed"``,
    ``"already_voted"``): tests and callers tell refusals apart by it, never by the message,
    which changes with the language and the wording.
    """

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        if not isinstance(code, str) or not code.isidentifier() or code != code.lower():
            # A refusal without a name cannot be told apart from another one.
            raise ValueError(f"A DomainError needs a code in snake_case, not {code!r}.")
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return str(self.message)

"""Domain errors: raised by services, shown to people by views."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refuses the change; the message is translated and user-facing."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)

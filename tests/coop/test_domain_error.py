"""A refusal carries a stable code, so tests and callers tell one rule from another."""

import pytest

from coop.exceptions import DomainError


def test_a_domain_error_keeps_its_code_message_and_field():
    error = DomainError("Deze ronde is gesloten.", code="round_closed", field="ends_at")

    assert (error.code, error.message, error.field, str(error)) == (
        "round_closed",
        "Deze ronde is gesloten.",
        "ends_at",
        "Deze ronde is gesloten.",
    )


@pytest.mark.parametrize("code", ["", "Round closed", "round-closed", "RoundClosed", None])
def test_a_domain_error_without_a_snake_case_code_is_refused(code):
    with pytest.raises(ValueError, match="needs a code"):
        DomainError("Nee.", code=code)


def test_a_domain_error_without_a_code_cannot_be_made():
    with pytest.raises(TypeError, match="code"):
        DomainError("Nee.")

"""The one text cleaner every service applies to what people write."""

from __future__ import annotations

import pytest

from coop.cleaning import clean_text
from coop.exceptions import DomainError


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85"])
def test_it_refuses_control_characters_rather_than_folding_them_away(char, multiline):
    # str.split() counts \x0b, \x0c, \x1c-\x1f and \x85 as white space: the check comes first.
    with pytest.raises(DomainError) as refused:
        clean_text(f"a{char}b", field="f", max_length=50, required=True, multiline=multiline)

    assert (refused.value.code, refused.value.field) == ("text_forbidden_characters", "f")


def test_a_one_line_field_folds_tabs_and_line_breaks_into_single_spaces():
    assert clean_text(" a\t\tb\r\nc  ", field="f", max_length=50, required=True) == "a b c"


def test_a_multi_line_field_keeps_tabs_and_line_breaks_and_drops_trailing_spaces():
    value = "\n  eerste  \r\n\tingesprongen\r\r\r\rlaatste \t\n"

    cleaned = clean_text(value, field="f", max_length=50, required=True, multiline=True)

    assert cleaned == "eerste\n\tingesprongen\n\nlaatste"


@pytest.mark.parametrize("multiline", [False, True])
def test_white_space_alone_is_no_text(multiline):
    with pytest.raises(DomainError) as refused:
        clean_text(" \n\t ", field="f", max_length=50, required=True, multiline=multiline)

    assert refused.value.code == "required"
    assert clean_text(" \n\t ", field="f", max_length=5, required=False, multiline=multiline) == ""

"""The one text cleaner every service applies to what people write."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from coop.cleaning import check_date_window, clean_phone, clean_text
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


@pytest.mark.parametrize("phone", ["bel me", "0612", "0612345678901234567890123456789", "+31\x0b6"])
def test_a_phone_number_holds_digits_spaces_plus_dashes_and_brackets_only(phone):
    with pytest.raises(DomainError) as refused:
        clean_phone(phone)

    assert refused.value.field == "phone"
    assert refused.value.code in {"phone_invalid", "text_too_long", "text_forbidden_characters"}


def test_a_phone_number_is_trimmed_and_may_be_left_out():
    assert clean_phone("  +31 (0)6 1234-5678 ") == "+31 (0)6 1234-5678"
    assert clean_phone("") == ""


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_the_date_window_reaches_two_years_each_way_by_default():
    today = dt.date(2026, 6, 15)
    check_date_window(today + dt.timedelta(days=2 * 366), field="f")
    check_date_window(today - dt.timedelta(days=2 * 366), field="f")

    with pytest.raises(DomainError) as ahead:
        check_date_window(today + dt.timedelta(days=2 * 366 + 1), field="f")
    with pytest.raises(DomainError) as back:
        check_date_window(today - dt.timedelta(days=2 * 366 + 1), field="f")

    assert (ahead.value.code, ahead.value.field) == ("date_too_far_ahead", "f")
    assert (back.value.code, back.value.field) == ("date_too_far_back", "f")
    assert str(ahead.value) == "Kies een datum die hoogstens 2 jaar vooruit ligt."


@time_machine.travel(dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_a_side_of_the_window_can_be_left_open_and_a_moment_counts_by_its_local_day():
    check_date_window(dt.date(1960, 1, 1), field="f", years_back=None, years_ahead=1)
    # A year ahead is 16 June 2027 (366 days); 23:30 UTC that day is 17 June in Amsterdam.
    late = dt.datetime(2027, 6, 16, 23, 30, tzinfo=dt.UTC)
    check_date_window(late - dt.timedelta(days=1), field="f", years_ahead=1)

    with pytest.raises(DomainError) as refused:
        check_date_window(late, field="f", years_ahead=1)

    assert refused.value.code == "date_too_far_ahead"
    assert str(refused.value) == "Kies een datum die hoogstens 1 jaar vooruit ligt."

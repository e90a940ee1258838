"""Every form renders an error summary at the top that links to each field with an error
(coop/forms.py, templates/coop/forms/form.html); the activity form folds its repeat settings
away until the activity repeats."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from activities.models import Activity
from tests.activities.test_views import activity_post

pytestmark = pytest.mark.django_db


def summary_of(html: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_an_invalid_post_shows_a_summary_linking_to_each_field_with_an_error(
    cast, categories, client_for
):
    client = client_for("coordinator")
    url = reverse("activities:activity_create", args=[cast.association.slug])

    response = client.post(
        url, activity_post(categories, title="", count="5", until="2027-01-01", organisers=["x"])
    )

    assert response.status_code == 400
    html = response.content.decode()
    summary = summary_of(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert " autofocus " in summary  # the keyboard and screen reader start there
    assert "Er is iets niet goed ingevuld" in summary
    links = re.findall(r'<a href="#([\w-]+)">', summary)
    assert links == ["id_title", "id_count", "id_organisers_0"]
    for target in links:  # every link lands on an element of the page
        assert f'id="{target}"' in html
    assert html.index("error-summary") < html.index('name="title"')
    assert Activity.objects.count() == 0


def test_a_valid_form_shows_no_summary(cast, client_for):
    response = client_for("coordinator").get(
        reverse("activities:activity_create", args=[cast.association.slug])
    )

    assert "error-summary" not in response.content.decode()


def repeat_group(html: str) -> str:
    match = re.search(r'<details class="field-group"[^>]*>', html)
    assert match, "the repeat settings are not folded in a details element"
    return match.group(0)


def test_the_repeat_settings_stay_folded_for_a_new_activity(cast, client_for):
    html = (
        client_for("coordinator")
        .get(reverse("activities:activity_create", args=[cast.association.slug]))
        .content.decode()
    )

    assert " open" not in repeat_group(html)
    # Without a script the fields are still in the page, one click away.
    assert 'name="interval"' in html and 'name="count"' in html
    assert "<legend>Wanneer</legend>" in html


def test_the_repeat_settings_open_when_the_activity_repeats_or_has_an_error_there(
    cast, categories, client_for
):
    client = client_for("coordinator")
    url = reverse("activities:activity_create", args=[cast.association.slug])

    once_with_error = client.post(
        url, activity_post(categories, frequency="once", count="5", until="2027-01-01")
    )
    weekly_with_other_error = client.post(url, activity_post(categories, title=""))
    once_with_other_error = client.post(url, activity_post(categories, frequency="once", title=""))

    assert " open" in repeat_group(once_with_error.content.decode())
    assert " open" in repeat_group(weekly_with_other_error.content.decode())
    assert " open" not in repeat_group(once_with_other_error.content.decode())

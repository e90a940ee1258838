"""The export of a person's own data leaves no person-linked table out: every foreign key or
one-to-one link to a user or a member, in every installed app, is read by the export or
excluded with its reason. A new model with such a link fails here until it is one of them."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model

from coop.site.mydata.collect import COVERED, EXCLUDED, RECORDS_MADE, personal_data
from members.models import Member


def _person_links() -> set[str]:
    person_models = (get_user_model(), Member)
    links = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not getattr(field, "concrete", False) or not (field.many_to_one or field.one_to_one):
                continue
            # Fields inherited from a concrete parent (a Wagtail page's owner) count once, on
            # the model that declares them.
            if field.model is not model or field.related_model not in person_models:
                continue
            if field.one_to_one and getattr(field.remote_field, "parent_link", False):
                continue
            links.add(f"{model._meta.label}.{field.name}")
    return links


def test_every_link_to_a_person_is_exported_or_excluded_with_a_reason():
    links = _person_links()
    missing = links - set(COVERED) - set(EXCLUDED)
    assert not missing, f"Neither exported nor excluded (coop/site/mydata/collect.py): {missing}"
    assert all(reason.strip() for reason in EXCLUDED.values())
    assert not set(COVERED) & set(EXCLUDED)


def test_the_lists_name_only_links_that_exist():
    # A renamed field or removed model must not linger as a covered link nobody reads.
    stale = (set(COVERED) | set(EXCLUDED)) - _person_links()
    assert not stale


def test_the_walk_finds_the_links_it_is_about():
    links = _person_links()
    assert {
        "activities.SignUp.member",
        "vacancies.VoteRecord.member",
        "mfa.Authenticator.user",
        "wagtailcore.Page.owner",
    } <= links
    assert "coop.HomePage.owner" not in links  # inherited from wagtailcore.Page


def test_every_section_the_coverage_names_is_in_the_export(cast):
    data = personal_data(cast.vrager)
    for label, section in COVERED.items():
        keys = section.split(".")
        node = data
        if keys[0] == "memberships":
            node = data["memberships"][0]
            keys = keys[1:]
        for key in keys:
            if isinstance(node, list):
                node = node[0] if node else {key: []}
            assert key in node, f"{label}: section {section} is not in the export"
            node = node[key]


def test_each_record_made_is_read_from_the_database(cast, django_assert_num_queries):
    # One query per kind of record a person can make, whatever they made.
    from coop.site.mydata import collect

    with django_assert_num_queries(len(RECORDS_MADE)):
        collect._records_made(cast.outsider)

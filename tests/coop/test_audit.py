"""The audit log is append-only: in the model, in the query set and in the database itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from coop.models import AuditAction, AuditEntry, StaffLink
from coop.models.audit import AppendOnlyError
from coop.services import audit_record
from members.models import Tenancy

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(cast) -> AuditEntry:
    return audit_record(
        actor=cast.board,
        action=AuditAction.MEMBER_REGISTERED,
        target=cast.vrager_member,
        data={"group": "vrager"},
    )


def stored(entry: AuditEntry) -> dict:
    return AuditEntry.objects.filter(pk=entry.pk).values().get()


def test_it_records_who_did_what_to_which_object(cast, entry):
    entry.refresh_from_db()
    assert entry.actor == cast.board
    assert entry.action == "member.registered"
    assert entry.association == cast.association
    assert entry.target_type == "members.member"
    assert entry.target_id == str(cast.vrager_member.pk)
    assert entry.target_repr == "Vera Vrager"
    assert entry.data == {"group": "vrager"}
    assert entry.at is not None


def test_an_entry_without_actor_records_a_system_action(cast):
    entry = audit_record(
        actor=None, action=AuditAction.VACANCY_CANDIDATES_ERASED, target=cast.association
    )

    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.association == cast.association
    assert entry.target_type == "coop.association"
    assert entry.target_id == str(cast.association.pk)
    assert entry.data == {}


def test_an_anonymous_actor_records_a_system_action(cast):
    from django.contrib.auth.models import AnonymousUser

    entry = audit_record(
        actor=AnonymousUser(), action=AuditAction.ROUND_OPENED, target=cast.association
    )

    entry.refresh_from_db()
    assert entry.actor is None


def test_a_long_object_name_is_cut_to_fit(cast):
    cast.vrager_member.name = "V" * 300

    entry = audit_record(actor=None, action=AuditAction.MEMBER_LEFT, target=cast.vrager_member)

    entry.refresh_from_db()
    assert entry.target_repr == "V" * 200


def test_saving_an_existing_entry_is_refused(entry):
    before = stored(entry)
    entry.action = "member.deleted"

    with pytest.raises(AppendOnlyError):
        entry.save()

    assert stored(entry) == before


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_updating_entries_through_the_query_set_is_refused(entry):
    before = stored(entry)

    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="member.deleted")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().update(data={})

    assert stored(entry) == before


def test_bulk_update_of_entries_is_refused(entry):
    before = stored(entry)
    entry.action = "member.deleted"

    # bulk_update opens an atomic block without savepoint: give it one of its own.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])

    assert stored(entry) == before


def test_deleting_entries_through_the_query_set_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_new_object_with_the_primary_key_of_an_entry_cannot_overwrite_it(cast, entry):
    before = stored(entry)
    impostor = AuditEntry(
        pk=entry.pk,
        actor=None,
        action="member.deleted",
        target_type="members.member",
        target_id="0",
        target_repr="nobody",
    )

    with pytest.raises((AppendOnlyError, DatabaseError)), transaction.atomic():
        impostor.save()

    assert stored(entry) == before


def test_the_database_refuses_a_raw_update_of_an_entry(entry):
    before = stored(entry)

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE coop_auditentry SET action = %s WHERE id = %s", ["member.deleted", entry.pk]
        )

    assert stored(entry) == before


def test_the_database_refuses_a_raw_delete_of_an_entry(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM coop_auditentry WHERE id = %s", [entry.pk])

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_to_empty_the_log(entry):
    count = AuditEntry.objects.count()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM coop_auditentry")

    assert AuditEntry.objects.count() == count


def test_the_database_still_accepts_new_entries_after_a_refusal(cast, entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM coop_auditentry WHERE id = %s", [entry.pk])

    second = audit_record(
        actor=cast.board, action=AuditAction.MEMBER_LEFT, target=cast.vrager_member
    )

    assert list(AuditEntry.objects.order_by("id").values_list("pk", flat=True))[-2:] == [
        entry.pk,
        second.pk,
    ]


def test_an_action_outside_the_vocabulary_is_refused_and_nothing_is_written(cast):
    before = AuditEntry.objects.count()

    with pytest.raises(ValueError, match=r"member\.renamed"):
        audit_record(actor=None, action="member.renamed", target=cast.vrager_member)

    assert AuditEntry.objects.count() == before


def test_the_association_comes_from_the_target_through_its_relations(cast):
    tenancy = Tenancy.objects.get(member=cast.vrager_member)  # nothing related loaded

    entry = audit_record(actor=None, action=AuditAction.TENANCY_ENDED, target=tenancy)

    assert entry.association_id == cast.association.pk


def test_an_explicit_association_is_kept_only_for_a_target_without_one(cast):
    link = StaffLink.objects.filter(user=cast.corporation_staff).first()

    entry = audit_record(
        actor=None, action=AuditAction.STAFF_LINKED, target=link, association=cast.association
    )
    assert entry.association == cast.association
    with pytest.raises(ValueError, match="another association"):
        audit_record(
            actor=None,
            action=AuditAction.MEMBER_LEFT,
            target=cast.vrager_member,
            association=cast.other_association,
        )


def _names_an_action(node: ast.expr) -> bool:
    if isinstance(node, ast.IfExp):
        return _names_an_action(node.body) and _names_an_action(node.orelse)
    if isinstance(node, ast.Name):  # a helper handing its own typed argument on
        return node.id == "action"
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "AuditAction"
    )


def test_every_audit_call_in_the_code_names_an_action_of_the_vocabulary():
    root = Path(__file__).resolve().parents[2]
    calls = []
    for app in ("coop", "members", "vacancies", "activities"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {
                    "audit_record",
                    "_audit",
                }:
                    action = next(k.value for k in node.keywords if k.arg == "action")
                    calls.append((f"{path.relative_to(root)}:{node.lineno}", action))

    assert len(calls) > 40
    assert [where for where, action in calls if not _names_an_action(action)] == []

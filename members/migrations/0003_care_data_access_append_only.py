"""The database itself refuses changes to and removal of care-data access log rows."""

from django.db import migrations

from coop.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0003_audit_entries_append_only"),
        ("members", "0002_omklap_contracts_moments_decisions"),
    ]

    operations = [append_only("members_caredataaccess")]

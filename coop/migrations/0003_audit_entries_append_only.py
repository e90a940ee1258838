"""The database itself refuses changes to and removal of audit entries."""

from django.db import migrations

from coop.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("coop", "0002_public_pages")]

    operations = [append_only("coop_auditentry")]

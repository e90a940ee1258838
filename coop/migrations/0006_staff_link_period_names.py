"""Staff links name and bound their period as every other period does: from starts_on to ends_on."""

from django.db import migrations, models


def drop_links_that_never_held(apps, schema_editor):
    # The end date was always read as exclusive, so a link ending on the day it started never
    # held on any day; the other periods' bound (end after start) refuses such a row.
    StaffLink = apps.get_model("coop", "StaffLink")
    StaffLink.objects.filter(ends_on=models.F("starts_on")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0005_public_pages_join_the_menu"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="stafflink",
            name="stafflink_one_open_link_per_user_and_organisation",
        ),
        migrations.RemoveConstraint(
            model_name="stafflink",
            name="stafflink_ends_after_start",
        ),
        migrations.RenameField(model_name="stafflink", old_name="started_on", new_name="starts_on"),
        migrations.RenameField(model_name="stafflink", old_name="ended_on", new_name="ends_on"),
        migrations.AlterField(
            model_name="stafflink",
            name="starts_on",
            field=models.DateField(verbose_name="from"),
        ),
        migrations.AlterField(
            model_name="stafflink",
            name="ends_on",
            field=models.DateField(blank=True, null=True, verbose_name="until"),
        ),
        migrations.RunPython(drop_links_that_never_held, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="stafflink",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ends_on__isnull", True)),
                fields=("organisation", "user"),
                name="stafflink_one_open_link_per_user_and_organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="stafflink",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ends_on__isnull", True),
                    ("ends_on__gt", models.F("starts_on")),
                    _connector="OR",
                ),
                name="stafflink_ends_after_start",
            ),
        ),
    ]

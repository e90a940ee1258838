"""Daily schedule: move-outs recorded ahead take effect and former members' accounts close
(stored by name, so running the migrations again never duplicates it)."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import migrations

NAME = "members: membership changes"
FUNC = "members.tasks.membership_changes_apply"


def forward(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    tomorrow = dt.datetime.now(zone).date() + dt.timedelta(days=1)
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": FUNC,
            "schedule_type": "D",
            "repeats": -1,
            # Just after midnight: a move-out takes effect early on its own day.
            "next_run": dt.datetime.combine(tomorrow, dt.time(0, 15), tzinfo=zone),
        },
    )


def backward(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_member_language"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forward, backward)]

"""Daily schedules: omklap reminders and the care-data retention purge (stored by name, so
running the migrations again never duplicates them)."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import migrations

SCHEDULES = {
    "omklap reminders": ("members.tasks.omklap_send_reminders", dt.time(7, 0)),
    "care data retention purge": ("members.tasks.care_data_purge", dt.time(3, 30)),
}


def forward(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    tomorrow = dt.datetime.now(zone).date() + dt.timedelta(days=1)
    for name, (func, at) in SCHEDULES.items():
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": "D",
                "repeats": -1,
                "next_run": dt.datetime.combine(tomorrow, at, tzinfo=zone),
            },
        )


def backward(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_care_data_access_append_only"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forward, backward)]

"""Background schedules: day-before reminders, extending recurring dates, retention purge."""

from django.db import migrations

SCHEDULES = (
    # (name, function, schedule type, minutes)
    ("activities: day-before reminders", "activities.tasks.send_reminders", "I", 60),
    ("activities: extend recurring dates", "activities.tasks.extend_occurrences", "D", None),
    ("activities: retention purge", "activities.tasks.purge_expired", "D", None),
)


def add_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, schedule_type, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": schedule_type,
                "minutes": minutes,
                "repeats": -1,
            },
        )


def remove_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_standard_categories"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]

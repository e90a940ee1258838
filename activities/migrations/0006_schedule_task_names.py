"""The calendar's tasks are named <entity>_<verb>: the stored schedules follow the new names."""

from django.db import migrations

# (old name, old function) -> (new name, new function); a fresh database has the old rows from
# 0003, an existing installation too, so both end up with the same schedules.
RENAMES = {
    ("activities: day-before reminders", "activities.tasks.send_reminders"): (
        "activities: day-before reminders",
        "activities.tasks.reminders_send",
    ),
    ("activities: extend recurring dates", "activities.tasks.extend_occurrences"): (
        "activities: extend recurring dates",
        "activities.tasks.occurrences_extend",
    ),
    ("activities: retention purge", "activities.tasks.purge_expired"): (
        "activities: calendar data retention purge",
        "activities.tasks.calendar_data_purge",
    ),
}


def _rename(apps, pairs):
    Schedule = apps.get_model("django_q", "Schedule")
    for (old_name, old_func), (new_name, new_func) in pairs:
        Schedule.objects.filter(func=old_func).update(name=new_name, func=new_func)
        Schedule.objects.filter(name=old_name).update(name=new_name, func=new_func)


def forward(apps, schema_editor):
    _rename(apps, RENAMES.items())


def backward(apps, schema_editor):
    _rename(apps, ((new, old) for old, new in RENAMES.items()))


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0005_category_name_unique_case_insensitive"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forward, backward)]

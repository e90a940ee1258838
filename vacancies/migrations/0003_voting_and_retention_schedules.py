"""Background schedules: rounds open, remind and close on time; candidates' data is erased."""

from django.db import migrations

SCHEDULES = {
    # Every minute, so that a round opens and closes on time with nobody online.
    "vacancies: open, remind and close voting rounds": {
        "func": "vacancies.tasks.rounds_tick",
        "schedule_type": "I",
        "minutes": 1,
    },
    "vacancies: erase candidates past retention": {
        "func": "vacancies.tasks.candidates_purge",
        "schedule_type": "D",
    },
}


def forward(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, fields in SCHEDULES.items():
        Schedule.objects.update_or_create(name=name, defaults={**fields, "repeats": -1})


def backward(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=SCHEDULES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0002_closed_rounds_keep_their_ballots"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forward, backward)]

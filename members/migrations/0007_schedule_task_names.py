"""The members' tasks are named <entity>_<verb> and their schedules carry the app's name, as the
other apps' do: the stored schedules follow."""

from django.db import migrations

# (old name, old function) -> (new name, new function)
RENAMES = {
    ("omklap reminders", "members.tasks.omklap_send_reminders"): (
        "members: omklap reminders",
        "members.tasks.omklap_reminders_send",
    ),
    ("care data retention purge", "members.tasks.care_data_purge"): (
        "members: care data retention purge",
        "members.tasks.care_data_purge",
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
        ("members", "0006_member_email_unique_per_association"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forward, backward)]

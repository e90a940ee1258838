"""Every existing association gets the standard activity categories."""

from django.db import migrations

# Frozen here on purpose: a data migration must not change when the app's code does.
STANDARD = (
    ("coffee_morning", "coffee morning"),
    ("language_lessons", "language lessons"),
    ("garden", "garden"),
    ("give_away_shop", "give-away shop"),
    ("shared_meal", "shared meal"),
    ("odd_job_service", "odd-job service"),
    ("meeting", "meeting"),
)


def add_categories(apps, schema_editor):
    Association = apps.get_model("coop", "Association")
    Category = apps.get_model("activities", "Category")
    for association in Association.objects.all():
        have = set(Category.objects.filter(association=association).values_list("key", flat=True))
        names = set(
            Category.objects.filter(association=association).values_list("name", flat=True)
        )
        Category.objects.bulk_create(
            Category(association=association, key=key, name=name)
            for key, name in STANDARD
            if key not in have and name not in names
        )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_activities_occurrences_signups_hours"),
        ("coop", "0004_home_page_as_site_root"),
    ]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]

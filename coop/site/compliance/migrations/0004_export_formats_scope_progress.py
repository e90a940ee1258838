import django.db.models.expressions
from django.db import migrations, models


def pending_is_queued(apps, schema_editor):
    ExportFile = apps.get_model("compliance", "ExportFile")
    ExportFile.objects.filter(status="pending").update(status="queued")


def queued_is_pending(apps, schema_editor):
    ExportFile = apps.get_model("compliance", "ExportFile")
    ExportFile.objects.filter(status__in=["queued", "building"]).update(status="pending")


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0003_csv_exports"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportfile",
            name="format",
            field=models.CharField(
                choices=[
                    ("csv", "CSV (spreadsheet text)"),
                    ("xlsx", "Excel workbook (XLSX)"),
                    ("pdf", "PDF evaluation pack"),
                ],
                default="csv",
                max_length=4,
                verbose_name="format",
            ),
        ),
        migrations.AddField(
            model_name="exportfile",
            name="scope",
            field=models.CharField(
                choices=[
                    ("current", "the current period"),
                    ("previous", "the previous period"),
                    ("year", "a whole year"),
                ],
                default="current",
                max_length=10,
                verbose_name="scope",
            ),
        ),
        migrations.AddField(
            model_name="exportfile",
            name="year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="year"),
        ),
        migrations.AddField(
            model_name="exportfile",
            name="progress_done",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="steps done"),
        ),
        migrations.AddField(
            model_name="exportfile",
            name="progress_total",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="steps in all"),
        ),
        migrations.AlterField(
            model_name="exportfile",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "waiting"),
                    ("building", "being made"),
                    ("ready", "ready"),
                    ("failed", "failed"),
                ],
                default="queued",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(pending_is_queued, queued_is_pending),
        migrations.AddConstraint(
            model_name="exportfile",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("scope", "year"), ("year__isnull", False)),
                    models.Q(models.Q(("scope", "year"), _negated=True), ("year__isnull", True)),
                    _connector="OR",
                ),
                name="export_year_with_year_scope",
            ),
        ),
        migrations.AddConstraint(
            model_name="exportfile",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("progress_done__lte", django.db.models.expressions.F("progress_total"))
                ),
                name="export_progress_within_total",
            ),
        ),
    ]

"""Replace Wagtail's placeholder welcome page with the platform's home page."""

from django.db import migrations


def forward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("coop.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    if HomePage.objects.exists():
        return
    Page.objects.filter(depth=2, slug="home", content_type__app_label="wagtailcore").delete()
    root = Page.objects.get(depth=1)
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="coop")
    locale = Locale.objects.order_by("pk").first()
    home = HomePage.objects.create(
        title="Welkom",
        draft_title="Welkom",
        slug="home",
        content_type=content_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale_id=locale.pk,
        intro="",
        body="",
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page_id": home.pk,
                  "site_name": "Coop platform"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0003_audit_entries_append_only"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

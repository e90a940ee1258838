"""The public pages made before the site had a menu join it, as new ones do by default.

Once only: an editor who later takes a page out of the menu keeps it out. The latest revision
changes too, or the next publication from the admin would take the page out again.
"""

from django.db import migrations
from django.db.models import Q

MENU_PAGE_TYPES = (
    ("coop", "contentpage"),
    ("coop", "newsindexpage"),
    ("vacancies", "vacancyindexpage"),
)


def pages_join_the_menu(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    Revision = apps.get_model("wagtailcore.Revision")
    HomePage = apps.get_model("coop.HomePage")
    of_menu_type = Q()
    for app_label, model in MENU_PAGE_TYPES:
        of_menu_type |= Q(content_type__app_label=app_label, content_type__model=model)
    for home in HomePage.objects.all():
        pages = Page.objects.filter(
            of_menu_type,
            depth=home.depth + 1,
            path__startswith=home.path,
            live=True,
            show_in_menus=False,
        )
        for page in pages:
            page.show_in_menus = True
            page.save(update_fields=["show_in_menus"])
            revision = Revision.objects.filter(pk=page.latest_revision_id).first()
            if revision is not None and isinstance(revision.content, dict):
                revision.content["show_in_menus"] = True
                revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0004_home_page_as_site_root"),
        ("vacancies", "0004_vacancy_index_page"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(pages_join_the_menu, migrations.RunPython.noop)]

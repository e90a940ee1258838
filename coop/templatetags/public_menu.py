"""The public site's menu: the site root's pages marked "show in menus" in Wagtail."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from wagtail.models import Site

from coop.models.pages import initials, menu_pages

register = template.Library()


@register.inclusion_tag("coop/_public_menu.html", takes_context=True)
def public_menu(context) -> dict:
    """At most one query: the site (with its root page) is cached on the request by Wagtail's
    serve, and the home page's route loads the menu's pages (``url_path`` and ``title``) along
    with a child page or the home page's front."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"items": []}
    root = site.root_page
    current = context.get("page")
    root_pk, pages = getattr(request, "coop_menu_pages", (None, None))
    if root_pk != root.pk or pages is None:
        pages = menu_pages(root)
    items = [
        {
            # The site root is served at "/", so a child's URL is its path below the root.
            "url": "/" + page.url_path[len(root.url_path) :],
            "title": page.title,
            "current": current is not None and current.url_path.startswith(page.url_path),
        }
        for page in pages
    ]
    return {"items": items}


@register.inclusion_tag("coop/_public_brand.html", takes_context=True)
def public_brand(context) -> dict:
    """The association's name and logo at the top of the public site: the home page's logo
    (one query, only when the editor chose one; none on the home page itself, whose front
    holds it), else a mark with the initials."""
    request = context.get("request")
    brand = getattr(request, "coop_brand", None)
    if brand is not None:
        return brand
    home = getattr(request, "coop_home", None) if request is not None else None
    if home is None:
        name = str(_("Living together"))
        return {"name": name, "initials": initials(name), "logo_url": ""}
    return home.brand()

"""Public content pages, edited in Wagtail by the board or staff."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import StartsWith
from django.http import Http404
from django.http.request import split_domain_port
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.search import index

from coop.generation import part_key, remembered


def _restricted() -> Exists:
    """The page or an ancestor has a view restriction."""
    return Exists(PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path"))))


def public_pages(pages):
    """Pages with no view restriction on themselves or an ancestor, in the same query.

    Wagtail's ``.public()`` loads every restriction of the site first: one query more.
    """
    return pages.exclude(_restricted())


def menu_pages(root: Page):
    """The public menu: the site root's live children marked "show in menus" that anyone may
    see, in the editors' order."""
    return public_pages(root.get_children().live().in_menu()).order_by("path")


def view_restrictions_on_path(page: Page):
    """Restrictions on the page or an ancestor (or their alias sources), in one query.

    Wagtail's ``get_view_restrictions`` first loads the ancestors to resolve aliases: one query
    more. The ancestors' tree paths are prefixes of the page's own path.
    """
    steps = range(Page.steplen, len(page.path) + 1, Page.steplen)
    paths = [page.path[:end] for end in steps]
    return PageViewRestriction.objects.filter(
        Q(page__path__in=paths) | Q(page__aliases__path__in=paths)
    ).distinct()


class RestrictionsInOneQuery:
    """Wagtail's serve checks view restrictions with ``view_restrictions_on_path``: one query
    less on every public page, which leaves room for the site's menu."""

    def get_view_restrictions(self):
        return view_restrictions_on_path(self)


def url_below(request, ancestor: Page, page: Page) -> str:
    """URL of a descendant of the page being served, built from the request's own path.

    ``pageurl`` would look up the site's root paths in the shared cache: one query more.
    """
    base = request.path if request.path.endswith("/") else request.path + "/"
    return base + page.url_path[len(ancestor.url_path) :]


# Sections the apps add to the home page (registered in their AppConfig.ready, so that this
# floor imports none of them): each is called with the home page and the request and returns
# extra template context, e.g. the open vacancies.
HOME_PAGE_SECTIONS: list[Callable[[HomePage, object], dict]] = []

# Words left out of the logo mark's initials ("De Zonnewijzer" -> "Z").
_NOT_IN_INITIALS = {"de", "het", "een", "van", "der", "en", "the", "of", "and"}


def initials(name: str) -> str:
    """One or two letters for the default logo mark."""
    words = [w for w in re.findall(r"\w+", name) if w.lower() not in _NOT_IN_INITIALS]
    letters = "".join(word[0] for word in words[:2]) or name.strip()[:1]
    return letters.upper()


class MenuPage(NamedTuple):
    """A page of the public menu, as much of it as the menu shows."""

    url_path: str
    title: str


@dataclass(frozen=True)
class HomeFront:
    """Everything the home page shows that is the same for every visitor: its content (the
    call to action, the open homes, the news, the contact details), the public menu and the
    name and logo mark in the header, and whether a view restriction lies on it."""

    public: bool
    menu: tuple[MenuPage, ...]
    brand: dict[str, str]
    content: str


class HomePage(RestrictionsInOneQuery, Page):
    """The public front page of the site: who we are, how to come and live here, the homes
    open for applications and how to reach us."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    body = RichTextField(_("body"), blank=True)
    short_name = models.CharField(
        _("name of the association"),
        max_length=80,
        blank=True,
        help_text=_(
            "Shown beside the logo at the top of every page. Without a logo, its initials "
            "make the logo mark."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_("A square image works best. Without one, the site shows the initials."),
    )
    apply_page = models.ForeignKey(
        Page,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("page on how to apply"),
        help_text=_("The button 'How you can come and live here' leads to this page."),
    )
    contact_address = models.TextField(_("address"), max_length=300, blank=True)
    contact_email = models.EmailField(_("e-mail address"), blank=True)
    contact_phone = models.CharField(_("phone number"), max_length=30, blank=True)
    contact_hours = models.CharField(
        _("when to reach us"),
        max_length=200,
        blank=True,
        help_text=_("For example: weekdays from 10:00 to 12:00."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        PageChooserPanel("apply_page"),
        MultiFieldPanel([FieldPanel("short_name"), FieldPanel("logo")], heading=_("Name and logo")),
        MultiFieldPanel(
            [
                FieldPanel("contact_address"),
                FieldPanel("contact_email"),
                FieldPanel("contact_phone"),
                FieldPanel("contact_hours"),
            ],
            heading=_("Contact details"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["coop.ContentPage", "coop.NewsIndexPage", "vacancies.VacancyIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        """Load the child page with its own fields in one query (Wagtail's route takes two),
        and the pages of the public menu with it (coop/templatetags/public_menu.py). This page
        itself comes with its front: its content, menu and brand, and whether a view
        restriction lies on it (so the restriction check needs no query of its own)."""
        # The header of every public page shows this page's name and logo mark.
        request.coop_home = self
        if not path_components:
            found = super().route(request, path_components)
            front = self._front = self.front_for(request)
            request.coop_menu_pages = (self.pk, list(front.menu))
            request.coop_brand = front.brand
            return found
        links = self._child_links()
        slug = path_components[0]
        rows = list(
            self.get_children()
            .filter(Q(slug=slug) | Q(live=True, show_in_menus=True))
            .annotate(restricted=_restricted())
            .select_related(*links.values())
            .order_by("path")
        )
        request.coop_menu_pages = (
            self.pk,
            [row for row in rows if row.live and row.show_in_menus and not row.restricted],
        )
        child = next((row for row in rows if row.slug == slug), None)
        if child is None:
            raise Http404
        link = links.get(child.specific_class)
        specific = getattr(child, link) if link else child.specific
        specific._cached_parent_obj = self
        return specific.route(request, path_components[1:])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A preview of a draft is not routed: its front is built afresh, never kept.
        front = getattr(self, "_front", None) or self.build_front(request)
        context["front_content"] = SafeString(front.content)
        return context

    def get_view_restrictions(self):
        """None when the front (built with the route) found no restriction on the path."""
        front = getattr(self, "_front", None)
        if front is not None and front.public:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def front_for(self, request) -> HomeFront:
        """The front for this request: for an anonymous visitor kept under the data generation
        (coop/generation.py), so a visit costs one cache read instead of three queries and the
        rendering. The front depends on no visitor (no CSRF token, no user), only on this page,
        the address, the language and the day (in the key)."""
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated:
            return self.build_front(request)
        key = part_key("home-front", self.pk, request.path)
        return remembered(key, lambda: self.build_front(request))

    def build_front(self, request) -> HomeFront:
        """Three queries: this page with its logo, its apply page, its live children (the menu,
        the sections' pages) and the view restrictions on its path; the latest news; the
        sections' own (the open homes)."""
        rows, links = self._surroundings()
        own = next(row for row in rows if row.pk == self.pk)
        children = [
            row
            for row in rows
            if row.depth == self.depth + 1 and row.path.startswith(self.path) and row.live
        ]
        if self.logo_id is not None:
            self.logo = own.homepage.logo
        if self.apply_page_id is not None:
            self.apply_page = next((row for row in rows if row.pk == self.apply_page_id), None)
        self._live_children = [
            getattr(row, links[row.specific_class]) if row.specific_class in links else row
            for row in children
        ]
        context: dict = {"page": self}
        news = public_pages(NewsPage.objects.live().descendant_of(self)).order_by("-date")[:3]
        context["latest_news"] = [(item, url_below(request, self, item)) for item in news]
        apply = self.apply_page
        if apply is not None and apply.live:
            context["apply_url"] = (
                url_below(request, self, apply)
                if apply.url_path.startswith(self.url_path)
                else apply.url
            )
        for section in HOME_PAGE_SECTIONS:
            context.update(section(self, request))
        return HomeFront(
            public=not own.restricted_on_path,
            menu=tuple(
                MenuPage(row.url_path, row.title)
                for row in children
                if row.show_in_menus and not row.restricted
            ),
            brand=self.brand(),
            content=render_to_string("coop/_home_page_content.html", context),
        )

    def _surroundings(self) -> tuple[list[Page], dict[type[Page], str]]:
        """This page, its apply page and its live children in path order, each child with its
        own fields (joined), in one query."""
        links = self._child_links()
        wanted = Q(pk=self.pk) | (Page.objects.child_of_q(self) & Q(live=True))
        if self.apply_page_id is not None:
            wanted |= Q(pk=self.apply_page_id)
        rows = list(
            Page.objects.filter(wanted)
            .annotate(
                restricted=_restricted(),
                restricted_on_path=Exists(view_restrictions_on_path(self)),
            )
            .select_related("homepage__logo", *links.values())
            .order_by("path")
        )
        return rows, links

    def _child_links(self) -> dict[type[Page], str]:
        """For each type of page allowed below this one, the name under which a ``Page`` row
        joins its own fields (``select_related``)."""
        return {
            model: ptr.remote_field.get_accessor_name()
            for model in self.allowed_subpage_models()
            for parent, ptr in model._meta.parents.items()
            if parent is Page
        }

    def live_child(self, model: type[Page]) -> Page | None:
        """The first live child page of this type: from the children the front loaded, else
        one query."""
        children = getattr(self, "_live_children", None)
        if children is None:
            return model.objects.live().child_of(self).order_by("path").first()
        return next((child for child in children if isinstance(child, model)), None)

    def brand(self) -> dict[str, str]:
        """The association's name and logo mark in the header: the editor's logo (one query
        unless loaded with the page), else the initials."""
        logo = self.logo if self.logo_id else None
        return {
            "name": self.short_name or gettext("Living together"),
            "initials": self.mark_initials,
            "logo_url": logo.file.url if logo is not None else "",
        }

    @property
    def has_contact_details(self) -> bool:
        return any(
            (self.contact_address, self.contact_email, self.contact_phone, self.contact_hours)
        )

    @property
    def mark_initials(self) -> str:
        return initials(self.short_name or self.title)


class ContentPage(RestrictionsInOneQuery, Page):
    """A standard page: about us, how to apply, house rules."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["coop.HomePage", "coop.ContentPage"]
    subpage_types = ["coop.ContentPage"]
    # Pages right below the home page make up the public menu (coop/templatetags/public_menu.py).
    show_in_menus_default = True

    class Meta:
        verbose_name = _("content page")


class NewsIndexPage(RestrictionsInOneQuery, Page):
    """Lists the news items below it, newest first."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["coop.HomePage"]
    subpage_types = ["coop.NewsPage"]
    max_count = 1
    show_in_menus_default = True

    class Meta:
        verbose_name = _("news index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = public_pages(NewsPage.objects.live().child_of(self)).order_by("-date")[:50]
        context["news_items"] = [(item, url_below(request, self, item)) for item in news]
        return context


class NewsPage(RestrictionsInOneQuery, Page):
    """One news item."""

    date = models.DateField(_("date"))
    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    body = RichTextField(_("body"), blank=True)
    link_page = models.ForeignKey(
        Page,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("link to"),
        help_text=_(
            "Optional: the page this news is about, such as the page of the home that is "
            "free. It shows as a button below the text."
        ),
    )
    link_text = models.CharField(
        _("button text"),
        max_length=60,
        blank=True,
        help_text=_("For example: Apply for this home. Empty: 'Read more'."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [PageChooserPanel("link_page"), FieldPanel("link_text")], heading=_("Button")
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["coop.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        ordering = ["-date"]


def keep_site_for(request) -> None:
    """For an anonymous visitor, Wagtail's site for the request, with its root page in its own
    class (the home page with its fields), kept under the data generation: Wagtail's serve then
    finds both on the request, and a visit costs one cache read instead of two queries and the
    site matching. Sites and pages change only by a committed write."""
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated or hasattr(request, "_wagtail_site"):
        return
    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()

    def build():
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page = site.root_page.specific
        return site

    request._wagtail_site = remembered(part_key("wagtail-site", hostname, port), build)

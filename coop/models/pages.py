"""Public content pages, edited in Wagtail by the board or staff."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """The public front page of the site."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["coop.ContentPage", "coop.NewsIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = (
            NewsPage.objects.live().public().descendant_of(self).order_by("-date")[:3]
        )
        return context


class ContentPage(Page):
    """A standard page: about us, how to apply, house rules."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["coop.HomePage", "coop.ContentPage"]
    subpage_types = ["coop.ContentPage"]

    class Meta:
        verbose_name = _("content page")


class NewsIndexPage(Page):
    """Lists the news items below it, newest first."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["coop.HomePage"]
    subpage_types = ["coop.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news_items"] = (
            NewsPage.objects.live().public().child_of(self).order_by("-date")[:50]
        )
        return context


class NewsPage(Page):
    """One news item."""

    date = models.DateField(_("date"))
    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["coop.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")
        ordering = ["-date"]

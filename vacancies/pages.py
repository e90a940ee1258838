"""The public vacancy page (Wagtail): open homes, their profile, and the application form."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from coop.exceptions import DomainError
from coop.http import form_error
from coop.models.pages import url_below, view_restrictions_on_path
from vacancies import services
from vacancies.models import Vacancy
from vacancies.public import (
    ApplicationForm,
    accepting,
    application_within_hourly_limit,
    published_vacancies,
)

# Status codes of the application form's refusals.
BAD_INPUT = 400
GONE = 410
TOO_MANY = 429


class VacancyIndexPage(RoutablePageMixin, Page):
    """Lists the homes open for applications; each has a page with its profile and a form."""

    intro = models.TextField(gettext_lazy("introduction"), max_length=600, blank=True)
    selection_criteria = RichTextField(
        gettext_lazy("selection criteria"),
        blank=True,
        help_text=gettext_lazy("The published criteria the selection committee applies."),
    )
    procedure = RichTextField(
        gettext_lazy("procedure"),
        blank=True,
        help_text=gettext_lazy(
            "How co-optation works: shortlist, the members' vote, the corporation's checks."
        ),
    )
    association = models.ForeignKey(
        "coop.Association",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("association"),
        help_text=gettext_lazy("Leave empty to list the vacancies of every association."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("association"),
        FieldPanel("selection_criteria"),
        FieldPanel("procedure"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("selection_criteria"),
        index.SearchField("procedure"),
    ]
    parent_page_types = ["coop.HomePage"]
    subpage_types: list[str] = []
    show_in_menus_default = True
    template = "vacancies/pages/vacancy_index_page.html"
    detail_template = "vacancies/pages/vacancy_detail.html"
    sent_template = "vacancies/pages/application_sent.html"

    class Meta:
        verbose_name = gettext_lazy("vacancy page")
        verbose_name_plural = gettext_lazy("vacancy pages")

    def get_view_restrictions(self):
        return view_restrictions_on_path(self)

    # -- routes ----------------------------------------------------------------------------

    @path("", name="vacancy_index")
    def vacancy_index(self, request):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        vacancies = (
            Vacancy.objects.accepting_applications()
            .select_related("unit__building")
            .order_by("applications_close_at", "pk")
        )
        if self.association_id is not None:
            vacancies = vacancies.filter(association_id=self.association_id)
        base = self._own_url(request)
        listed = [
            (v, base + self.reverse_subpage("vacancy_detail", args=[v.pk])) for v in vacancies
        ]
        return self.render(request, context_overrides={"vacancies": listed})

    @path("<int:pk>/", name="vacancy_detail")
    def vacancy_detail(self, request, pk: int):
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        vacancy = self._vacancy(pk)
        open_now = accepting(vacancy)
        if request.method != "POST":
            form = ApplicationForm(vacancy=vacancy) if open_now else None
            return self._detail(request, vacancy, form, status=200 if open_now else GONE)
        form = ApplicationForm(request.POST, vacancy=vacancy)
        if not open_now:
            return self._detail(request, vacancy, None, status=BAD_INPUT)
        if not form.is_valid():
            return self._detail(request, vacancy, form, status=BAD_INPUT)
        if not application_within_hourly_limit(request):
            return self._detail(request, vacancy, form, status=TOO_MANY)
        if not form.is_spam:
            try:
                services.candidate_apply(
                    vacancy=vacancy, language=request.LANGUAGE_CODE, **form.application()
                )
            except DomainError as error:
                form_error(form, error)
                return self._detail(request, vacancy, form, status=BAD_INPUT)
        base = self._own_url(request, self.reverse_subpage("vacancy_detail", args=[pk]))
        return redirect(base + self.reverse_subpage("application_sent", args=[pk]))

    @path("<int:pk>/sent/", name="application_sent")
    def application_sent(self, request, pk: int):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        vacancy = self._vacancy(pk)
        sub = self.reverse_subpage("application_sent", args=[pk])
        return TemplateResponse(
            request,
            self.sent_template,
            {
                **self.get_context(request),
                "vacancy": vacancy,
                "page_url": self._own_url(request, sub),
            },
        )

    # -- helpers ---------------------------------------------------------------------------

    def _vacancy(self, pk: int) -> Vacancy:
        """A published vacancy of this page's association, in one query; 404 otherwise."""
        vacancy = published_vacancies(self.association_id).filter(pk=pk).first()
        if vacancy is None:
            raise Http404
        return vacancy

    def _own_url(self, request, subpath: str = "") -> str:
        """This page's URL, from the request path: ``get_url`` costs a site lookup query."""
        own = request.path[: len(request.path) - len(subpath)] if subpath else request.path
        return own if own.endswith("/") else own + "/"

    def _detail(self, request, vacancy: Vacancy, form, *, status: int):
        sub = self.reverse_subpage("vacancy_detail", args=[vacancy.pk])
        if status == TOO_MANY:
            problem = _(
                "We received too many applications from your internet connection in the last "
                "hour. Nothing was saved; please try again in an hour."
            )
        elif form is None and request.method == "POST":
            problem = _("Applications for this home are closed; nothing was saved.")
        elif status == BAD_INPUT:
            problem = _("Your application was not sent. Please correct the fields marked below.")
        else:
            problem = ""
        return TemplateResponse(
            request,
            self.detail_template,
            {
                **self.get_context(request),
                "vacancy": vacancy,
                "form": form,
                "problem": problem,
                "page_url": self._own_url(request, sub),
                "retention_months": max(1, round(settings.COOP_CANDIDATE_RETENTION_DAYS / 30.44)),
            },
            status=status,
        )


def home_page_vacancies(home, request) -> dict:
    """The home page's list of homes open for applications: those of the vacancy page right
    below it (one query, the vacancies: the home page's front loads its children), each with
    its own page's address."""
    index = home.live_child(VacancyIndexPage)
    if index is None:
        return {}
    vacancies = (
        Vacancy.objects.accepting_applications()
        .select_related("unit__building")
        .order_by("applications_close_at", "pk")
    )
    if index.association_id is not None:
        vacancies = vacancies.filter(association_id=index.association_id)
    base = url_below(request, home, index)
    return {
        "vacancy_index_url": base,
        "open_vacancies": [
            (vacancy, base + index.reverse_subpage("vacancy_detail", args=[vacancy.pk]))
            for vacancy in vacancies[:6]
        ],
    }

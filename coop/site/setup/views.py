"""The set-up pages: a corporation's associations, buildings, units and first board member, and
an organisation's colleagues."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coop.exceptions import DomainError
from coop.http import form_error, portal_view
from coop.models import Association, Organisation, StaffLink, Unit
from coop.site.services import association_create
from coop.site.setup import selectors as care_selectors
from coop.site.setup import services
from coop.site.setup.access import (
    get_care_assignment_for,
    get_care_page_for,
    get_platform_for,
    get_platform_organisation_for,
    get_setup_association_for,
    get_setup_for,
    get_staff_link_for,
    get_staff_page_for,
)
from coop.site.setup.forms import (
    AssociationForm,
    BoardMemberForm,
    BuildingForm,
    CareAssignForm,
    CareEndForm,
    ContractStartForm,
    OrganisationForm,
    StaffEndForm,
    StaffInviteForm,
    UnitForm,
)
from members import services as member_services
from members.access import viewer_for
from members.models import AssociationRole, Role, Tenancy


def _status(request) -> int:
    """A POST that comes back to its form was refused: 400."""
    return 400 if request.method == "POST" else 200


@require_GET
@portal_view
def setup_home(request, slug: str):
    viewer = viewer_for(request)
    access = get_setup_for(viewer, slug)
    associations = (
        Association.objects.filter(corporation=access.organisation)
        .annotate(
            building_count=Count("buildings", distinct=True),
            unit_count=Count("buildings__units", distinct=True),
        )
        .order_by("name")
    )
    return render(
        request,
        "site/setup/home.html",
        {"access": access, "organisation": access.organisation, "associations": associations},
    )


@require_http_methods(["GET", "POST"])
@portal_view
def association_new(request, slug: str):
    viewer = viewer_for(request)
    access = get_setup_for(viewer, slug)
    form = AssociationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            association = association_create(
                actor=request.user, corporation=access.organisation, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is set up. Add its buildings and units.") % {"name": association.name},
            )
            return redirect("setup:association", slug=slug, association_slug=association.slug)
    return render(
        request,
        "site/setup/association_new.html",
        {"access": access, "organisation": access.organisation, "form": form},
        status=_status(request),
    )


@require_GET
@portal_view
def association_setup(request, slug: str, association_slug: str):
    viewer = viewer_for(request)
    access, association = get_setup_association_for(viewer, slug, association_slug)
    today = timezone.localdate()
    tenant = Tenancy.objects.current(today).filter(unit=OuterRef("pk"))
    units = (
        Unit.objects.filter(building__association=association)
        .select_related("building")
        .annotate(tenant_name=Subquery(tenant.values("member__name")[:1]))
        .order_by("building__name", "number")
    )
    board = (
        AssociationRole.objects.current(today)
        .filter(role=Role.BOARD, member__association=association)
        .select_related("member")
        .order_by("member__name")
    )
    return render(
        request,
        "site/setup/association.html",
        {
            "access": access,
            "organisation": access.organisation,
            "association": association,
            "buildings": association.buildings.order_by("name"),
            "units": units,
            "board": board,
        },
    )


def _association_form_page(request, slug, association_slug, *, form_class, template, save):
    """A form that adds something to an association, then goes back to its set-up page."""
    viewer = viewer_for(request)
    access, association = get_setup_association_for(viewer, slug, association_slug)
    kwargs = {"association": association} if form_class is UnitForm else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            text = save(request, association, form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, text)
            return redirect("setup:association", slug=slug, association_slug=association.slug)
    return render(
        request,
        template,
        {
            "access": access,
            "organisation": access.organisation,
            "association": association,
            "form": form,
        },
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
@portal_view
def building_new(request, slug: str, association_slug: str):
    def save(request, association, data) -> str:
        building = services.building_create(actor=request.user, association=association, **data)
        return _("Building %(name)s is added.") % {"name": building.name}

    return _association_form_page(
        request,
        slug,
        association_slug,
        form_class=BuildingForm,
        template="site/setup/building_new.html",
        save=save,
    )


@require_http_methods(["GET", "POST"])
@portal_view
def unit_new(request, slug: str, association_slug: str):
    def save(request, association, data) -> str:
        unit = services.unit_create(actor=request.user, **data)
        return _("Unit %(unit)s is added.") % {"unit": unit}

    return _association_form_page(
        request,
        slug,
        association_slug,
        form_class=UnitForm,
        template="site/setup/unit_new.html",
        save=save,
    )


@require_http_methods(["GET", "POST"])
@portal_view
def board_invite(request, slug: str, association_slug: str):
    def save(request, association, data) -> str:
        invitation = services.board_first_member_invite(
            actor=request.user, association=association, **data
        )
        return _("%(name)s is registered on the board and invited at %(email)s.") % {
            "name": invitation.member.name,
            "email": invitation.email,
        }

    return _association_form_page(
        request,
        slug,
        association_slug,
        form_class=BoardMemberForm,
        template="site/setup/board_invite.html",
        save=save,
    )


@require_http_methods(["GET", "POST"])
@portal_view
def staff_list(request, slug: str):
    viewer = viewer_for(request)
    access = get_staff_page_for(viewer, slug)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = member_services.staff_invite(
                actor=request.user, organisation=access.organisation, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(email)s has access from %(date)s; an e-mail is on its way.")
                % {"email": link.user.email, "date": date_format(link.starts_on, "j F Y")},
            )
            return redirect("setup:staff", slug=slug)
    links = (
        StaffLink.objects.filter(organisation=access.organisation)
        .select_related("user")
        .order_by("ends_on", "user__last_name", "user__email")
    )
    return render(
        request,
        "site/setup/staff.html",
        {
            "access": access,
            "organisation": access.organisation,
            "links": links,
            "form": form,
            "today": timezone.localdate(),
        },
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
@portal_view
def staff_end(request, slug: str, pk: int):
    viewer = viewer_for(request)
    access, link = get_staff_link_for(viewer, slug, pk)
    form = StaffEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member_services.staff_link_end(
                actor=request.user, link=link, ends_on=form.cleaned_data["ends_on"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request, _("The access of %(email)s ends.") % {"email": link.user.email}
            )
            return redirect("setup:staff", slug=slug)
    return render(
        request,
        "site/setup/staff_end.html",
        {"access": access, "organisation": access.organisation, "link": link, "form": form},
        status=_status(request),
    )


# -- a care organisation's clients: care workers assigned, omklap contracts started ----------


@require_http_methods(["GET", "POST"])
@portal_view
def care_clients(request, slug: str):
    organisation = get_care_page_for(viewer_for(request), slug)
    form = CareAssignForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.care_assign_within_reach(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(worker)s guides %(member)s from %(date)s.")
                % {
                    "worker": assignment.worker.get_full_name() or assignment.worker.email,
                    "member": assignment.member.name,
                    "date": date_format(assignment.starts_on, "j F Y"),
                },
            )
            return redirect("setup:care", slug=slug)
    return render(
        request,
        "site/setup/care.html",
        {
            "organisation": organisation,
            "assignments": care_selectors.care_assignments(organisation),
            "form": form,
        },
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
@portal_view
def care_end(request, slug: str, pk: int):
    organisation, assignment = get_care_assignment_for(viewer_for(request), slug, pk)
    form = CareEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member_services.care_assignment_end(
                actor=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("The guidance of %(member)s by %(worker)s ends.")
                % {
                    "member": assignment.member.name,
                    "worker": assignment.worker.get_full_name() or assignment.worker.email,
                },
            )
            return redirect("setup:care", slug=slug)
    return render(
        request,
        "site/setup/care_end.html",
        {"organisation": organisation, "assignment": assignment, "form": form},
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
@portal_view
def contract_new(request, slug: str):
    organisation = get_care_page_for(viewer_for(request), slug)
    form = ContractStartForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = member_services.omklap_contract_start(
                actor=request.user,
                tenancy=data["tenancy"],
                care_organisation=organisation,
                starts_on=data["starts_on"],
                length_months=data["length_months"],
                conditions=data["conditions"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "The omklap contract of %(member)s runs until %(date)s; its monitoring "
                    "moments are planned and the corporation sees it."
                )
                % {
                    "member": contract.tenancy.member.name,
                    "date": date_format(contract.ends_on, "j F Y"),
                },
            )
            return redirect("portal:contract_detail", pk=contract.pk)
    return render(
        request,
        "site/setup/contract_new.html",
        {"organisation": organisation, "form": form},
        status=_status(request),
    )


# -- the platform administrator: organisations and their first staff member -----------------


@require_http_methods(["GET", "POST"])
@portal_view
def platform_organisations(request):
    get_platform_for(viewer_for(request))
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is set up. Invite its first staff member.")
                % {"name": organisation.name},
            )
            return redirect("setup:platform_staff", slug=organisation.slug)
    today = timezone.localdate()
    staff = StaffLink.objects.current(today).filter(organisation=OuterRef("pk"))
    organisations = Organisation.objects.annotate(
        staff_count=Coalesce(
            Subquery(staff.values("organisation").annotate(n=Count("pk")).values("n")[:1]),
            0,
        )
    ).order_by("kind", "name")
    return render(
        request,
        "site/setup/platform.html",
        {"organisations": organisations, "form": form},
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
@portal_view
def platform_staff(request, slug: str):
    organisation = get_platform_organisation_for(viewer_for(request), slug)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.organisation_first_staff_invite(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(email)s has access to %(name)s from %(date)s; an e-mail is on its way.")
                % {
                    "email": link.user.email,
                    "name": organisation.name,
                    "date": date_format(link.starts_on, "j F Y"),
                },
            )
            return redirect("setup:platform")
    return render(
        request,
        "site/setup/platform_staff.html",
        {"organisation": organisation, "form": form},
        status=_status(request),
    )

"""The board's member register: who lives where, since when and until when, in which group,
with or without an account; move-outs and invitations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, F, OuterRef, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coop.exceptions import DomainError
from coop.http import form_error, portal_view
from coop.site.register.access import get_role_for, get_tenancy_for
from coop.site.register.forms import GroupForm, MoveOutForm, ResidentForm, RoleEndForm, RoleForm
from members import services
from members.access import AssociationNeed, get_association_for, get_member_for, viewer_for
from members.models import Invitation, Member, Tenancy


def _status(request) -> int:
    """A POST that comes back to its form was refused: 400."""
    return 400 if request.method == "POST" else 200


@require_GET
@portal_view
def register(request, slug: str):
    viewer = viewer_for(request)
    association = get_association_for(viewer, slug, need=AssociationNeed.MANAGE)
    today = timezone.localdate()
    home = Tenancy.objects.ending_after(today).filter(member=OuterRef("pk")).order_by("starts_on")
    open_invitation = Invitation.objects.pending().filter(
        member=OuterRef("pk"), expires_at__gt=timezone.now()
    )
    members = list(
        Member.objects.active()
        .filter(association=association)
        .with_group_on(today)
        .annotate(
            tenancy_id=Subquery(home.values("pk")[:1]),
            home_building=Subquery(home.values("unit__building__name")[:1]),
            home_number=Subquery(home.values("unit__number")[:1]),
            tenancy_ends_on=Subquery(home.values("ends_on")[:1]),
            invited=Exists(open_invitation),
        )
        .order_by("name")
    )
    without_account = [m for m in members if m.user_id is None]
    # Former members apart, most recent first; the account column says whether it is closed.
    former = (
        Member.objects.filter(association=association, status=Member.Status.LEFT)
        .annotate(account_open=F("user__is_active"))
        .order_by("-left_on", "name")
    )
    return render(
        request,
        "site/register/register.html",
        {
            "association": association,
            "members": members,
            "without_account": without_account,
            "to_invite": [m for m in without_account if not m.invited and m.email],
            "former": former,
            "account_days": settings.MEMBER_ACCOUNT_DAYS_AFTER_LEAVING,
        },
    )


@require_http_methods(["GET", "POST"])
@portal_view
def resident_new(request, slug: str):
    viewer = viewer_for(request)
    association = get_association_for(viewer, slug, need=AssociationNeed.MANAGE)
    form = ResidentForm(request.POST or None, association=association)
    if request.method == "POST" and form.is_valid():
        try:
            tenancy = services.resident_register(
                actor=request.user, association=association, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered in %(unit)s.")
                % {"name": tenancy.member.name, "unit": tenancy.unit},
            )
            return redirect("register:register", slug=association.slug)
    return render(
        request,
        "site/register/resident_new.html",
        {"association": association, "form": form},
        status=_status(request),
    )


@require_POST
@portal_view
def invite_all(request, slug: str):
    viewer = viewer_for(request)
    association = get_association_for(viewer, slug, need=AssociationNeed.MANAGE)
    sent, refused = services.invitations_send_all(
        actor=request.user, association=association, language=request.LANGUAGE_CODE
    )
    if sent:
        messages.success(
            request,
            ngettext("%(n)s invitation was sent.", "%(n)s invitations were sent.", len(sent))
            % {"n": len(sent)},
        )
    else:
        messages.info(request, _("Nobody was left to invite."))
    for member, error in refused:
        messages.error(request, f"{member.name}: {error.message}")
    return redirect("register:register", slug=association.slug)


@require_http_methods(["GET", "POST"])
@portal_view
def move_out(request, pk: int):
    viewer = viewer_for(request)
    tenancy = get_tenancy_for(viewer, pk)
    association = tenancy.member.association
    form = MoveOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ends_on = form.cleaned_data["ends_on"]
        try:
            member = services.member_move_out(actor=request.user, tenancy=tenancy, ends_on=ends_on)
        except DomainError as error:
            form_error(form, error)
        else:
            report = reverse("vacancies:vacancy_report", args=[association.slug])
            return render(
                request,
                "site/register/moved_out.html",
                {
                    "association": association,
                    "tenancy": tenancy,
                    "member": member,
                    "ends_on": ends_on,
                    "report_url": f"{report}?"
                    + urlencode({"unit": tenancy.unit_id, "available_from": ends_on.isoformat()}),
                },
            )
    return render(
        request,
        "site/register/move_out.html",
        {"association": association, "tenancy": tenancy, "form": form},
        status=_status(request),
    )


def _member_page(request, member, *, group_form=None, role_form=None, status=200):
    """A member's history in the register: groups, tenancies and roles, with the forms."""
    return render(
        request,
        "site/register/member.html",
        {
            "association": member.association,
            "member": member,
            "groups": member.group_periods.order_by("starts_on"),
            "tenancies": member.tenancies.select_related("unit__building").order_by("starts_on"),
            "roles": member.roles.order_by("starts_on", "role"),
            "group_form": group_form or GroupForm(),
            "role_form": role_form or RoleForm(),
        },
        status=status,
    )


@require_GET
@portal_view
def member_detail(request, pk: int):
    viewer = viewer_for(request)
    return _member_page(request, get_member_for(viewer, pk))


@require_POST
@portal_view
def member_group(request, pk: int):
    viewer = viewer_for(request)
    member = get_member_for(viewer, pk)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            services.member_set_group(actor=request.user, member=member, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The group is changed from that date."))
            return redirect("register:member", pk=member.pk)
    return _member_page(request, member, group_form=form, status=400)


@require_POST
@portal_view
def member_role(request, pk: int):
    viewer = viewer_for(request)
    member = get_member_for(viewer, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.role_assign(actor=request.user, member=member, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The role is assigned."))
            return redirect("register:member", pk=member.pk)
    return _member_page(request, member, role_form=form, status=400)


@require_http_methods(["GET", "POST"])
@portal_view
def role_end(request, pk: int):
    viewer = viewer_for(request)
    role = get_role_for(viewer, pk)
    form = RoleEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_end(actor=request.user, assignment=role, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The role ends on that date."))
            return redirect("register:member", pk=role.member_id)
    return render(
        request,
        "site/register/role_end.html",
        {"association": role.member.association, "role": role, "form": form},
        status=_status(request),
    )

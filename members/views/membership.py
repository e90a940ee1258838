"""The member portal: association pages, invitations, organisation pages."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coop.exceptions import DomainError
from coop.http import deferred, form_error, portal_view
from coop.models import Organisation
from members import selectors, services
from members.access import (
    AssociationAccess,
    AssociationNeed,
    get_association_for,
    get_invitation_for,
    get_member_for,
    get_organisation_for,
    viewer_for,
)
from members.adapters import SESSION_INVITATION, SESSION_INVITATION_EMAIL
from members.forms.membership import InviteMemberForm
from members.models import AssociationRole, Invitation, Member
from members.selectors.membership import MixLine


@require_GET
@portal_view
def association_detail(request, slug: str):
    viewer = viewer_for(request)
    association = get_association_for(viewer, slug)

    def mixes() -> dict:
        mix = selectors.association_mix(association)
        buildings = [
            MixLine(
                name=b.name,
                mix=building_mix,
                address=f"{b.street_address}, {b.postal_code} {b.city}",
            )
            for b, building_mix in mix.buildings
        ]
        return {"mix": mix, "buildings": buildings}

    # The mix tables are a page part kept under the data generation: computed only when built.
    return render(
        request,
        "members/association_detail.html",
        {
            "association": association,
            "access": AssociationAccess(viewer, association),
            **deferred(mixes, "mix", "buildings"),
        },
    )


@require_http_methods(["GET", "POST"])
@portal_view
def association_members(request, slug: str):
    viewer = viewer_for(request)
    association = get_association_for(viewer, slug, need=AssociationNeed.MANAGE)
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.member_invite(
                actor=request.user, association=association, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            if invitation.member.name != form.cleaned_data["name"]:
                text = _(
                    "%(name)s was already registered with this address; the invitation was "
                    "sent to %(email)s."
                )
            else:
                text = _("%(name)s is registered and an invitation was sent to %(email)s.")
            messages.success(
                request, text % {"name": invitation.member.name, "email": invitation.email}
            )
            return redirect("portal:association_members", slug=association.slug)
    today = timezone.localdate()
    open_invitation = Invitation.objects.pending().filter(
        member=OuterRef("pk"), expires_at__gt=timezone.now()
    )
    members = (
        Member.objects.active()
        .filter(association=association)
        .with_group_on(today)
        .annotate(invited=Exists(open_invitation))
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=AssociationRole.objects.current(today),
                to_attr="current_roles",
            )
        )
        .order_by("name")
    )
    invitations = (
        Invitation.objects.pending()
        .filter(association=association)
        .select_related("member")
        .order_by("-sent_at")
    )
    return render(
        request,
        "members/association_members.html",
        {
            "association": association,
            "members": members,
            "invitations": invitations,
            "form": form,
            "now": timezone.now(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@portal_view
def member_invite(request, pk: int):
    """The board invites a registered member without an account (again, after a revoke)."""
    viewer = viewer_for(request)
    member = get_member_for(viewer, pk)
    try:
        invitation = services.invitation_send(
            actor=request.user, member=member, language=request.LANGUAGE_CODE
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("An invitation was sent to %(name)s at %(email)s.")
            % {"name": member.name, "email": invitation.email},
        )
    return redirect("portal:association_members", slug=member.association.slug)


@require_POST
@portal_view
def invitation_resend(request, pk: int):
    viewer = viewer_for(request)
    invitation = get_invitation_for(viewer, pk)
    try:
        services.invitation_resend(
            actor=request.user, invitation=invitation, language=request.LANGUAGE_CODE
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("A new invitation was sent to %(email)s.") % {"email": invitation.email}
        )
    return redirect("portal:association_members", slug=invitation.association.slug)


@require_http_methods(["GET", "POST"])
@portal_view
def invitation_revoke(request, pk: int):
    viewer = viewer_for(request)
    invitation = get_invitation_for(viewer, pk)
    if request.method == "POST":
        try:
            services.invitation_revoke(actor=request.user, invitation=invitation)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s was revoked; its link no longer works.")
                % {"email": invitation.email},
            )
        return redirect("portal:association_members", slug=invitation.association.slug)
    return render(request, "members/invitation_revoke.html", {"invitation": invitation})


@require_GET
@portal_view
def organisation_detail(request, slug: str):
    viewer = viewer_for(request)
    organisation = get_organisation_for(viewer, slug)
    context = {"organisation": organisation}
    if organisation.kind == Organisation.Kind.CORPORATION:
        # The mixes are a page part kept under the data generation: computed only when built.
        context["associations"] = SimpleLazyObject(
            lambda: [
                MixLine(
                    name=item.association.name,
                    mix=item.mix,
                    url=reverse("portal:association_detail", args=[item.association.slug]),
                )
                for item in selectors.corporation_mixes(organisation)
            ]
        )
        template = "members/corporation_detail.html"
    else:
        context["clients"] = selectors.care_clients(organisation)
        template = "members/care_detail.html"
    return render(request, template, context)


@require_GET
@never_cache
def invitation_accept(request, token: str):
    """Open an invitation link: remember it in the session and go to the sign-up form."""
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as error:
        return render(
            request, "members/invitation_invalid.html", {"message": error.message}, status=404
        )
    if request.user.is_authenticated:
        messages.info(request, _("You are already logged in; log out to accept an invitation."))
        return redirect("portal:dashboard")
    request.session[SESSION_INVITATION] = invitation.pk
    request.session[SESSION_INVITATION_EMAIL] = invitation.email
    # The link arrived at this address, so the address counts as verified.
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")

"""A member's own profile: name, phone number and the language of the portal and e-mails."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coop.exceptions import DomainError
from coop.http import form_error, portal_view
from members import services
from members.access import viewer_for
from members.forms import ProfileForm


@require_http_methods(["GET", "POST"])
@portal_view
def profile(request):
    viewer = viewer_for(request)
    member = viewer.member
    if member is None:
        raise Http404
    initial = {"name": member.name, "phone": member.phone, "language": request.user.language}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_profile_update(actor=request.user, member=member, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            language = form.cleaned_data["language"]
            with translation.override(language):
                messages.success(request, _("Your profile is saved."))
            response = redirect("portal:profile")
            # The portal speaks the chosen language from the next page on.
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
            return response
    return render(
        request,
        "members/profile.html",
        {"form": form, "member": member},
        status=400 if request.method == "POST" else 200,
    )

"""The calendar, occurrences and sign-ups, the hours pages and the iCal feeds."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from activities import feeds, selectors, services
from activities.access import (
    ActivityNeed,
    CalendarAccess,
    CalendarNeed,
    get_activity_for,
    get_calendar_for,
    get_category_for,
    get_contribution_for,
    get_occurrence_for,
    get_own_signup_for,
    own_member,
)
from activities.forms import (
    ActivityForm,
    AttendanceForm,
    CategoryForm,
    ContributionForm,
    OrganiserHoursForm,
    ReasonForm,
    RejectForm,
    WhenForm,
)
from activities.models import Activity, Occurrence, SignUp
from coop.exceptions import DomainError
from coop.http import absolute_url, deferred, form_error, portal_view
from coop.models import Association
from members.access import Viewer, viewer_for
from members.models import Member


def _int_param(request, name: str) -> int | None:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


def _calendar_context(request, association: Association, view: str) -> dict:
    viewer = viewer_for(request)
    category = _int_param(request, "category")
    return {
        "association": association,
        "view": view,
        "categories": selectors.categories(association),
        "category": category,
        "query": f"&category={category}" if category else "",
        "calendar": CalendarAccess(viewer),
    }


def _occurrences(
    association: Association, viewer: Viewer, start: dt.date, end: dt.date, category: int | None
) -> QuerySet[Occurrence]:
    """The calendar's dates from start to end (end exclusive), counted for the viewer."""
    return selectors.calendar_occurrences(association, viewer.member, start, end, category=category)


def _month_param(value: str) -> dt.date:
    today = timezone.localdate()
    try:
        month = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)
    return month if 2000 <= month.year <= 2100 else today.replace(day=1)


@require_GET
@portal_view
def calendar_month(request, slug: str):
    viewer = viewer_for(request)
    association = get_calendar_for(viewer, slug)
    context = _calendar_context(request, association, "month")
    month = _month_param(request.GET.get("month", ""))
    weeks_start = month - dt.timedelta(days=month.weekday())
    next_month = selectors.add_months(month, 1)

    def grid() -> dict:
        occurrences = _occurrences(
            association,
            viewer,
            weeks_start,
            next_month + dt.timedelta(days=7),
            context["category"],
        )
        weeks = selectors.month_weeks(occurrences, month.year, month.month)
        return {
            "weeks": weeks,
            "has_events": any(day.occurrences for week in weeks for day in week if day.in_month),
        }

    # The month is a page part kept under the data generation: computed only when built.
    context.update(
        month=month,
        previous=selectors.add_months(month, -1),
        next=next_month,
        **deferred(grid, "weeks", "has_events"),
    )
    return render(request, "activities/calendar_month.html", context)


@require_GET
@portal_view
def calendar_home(request):
    """The calendar of the viewer's own association (the menu's entry)."""
    member = own_member(viewer_for(request))
    return redirect("activities:calendar_month", slug=member.association.slug)


def _week_param(value: str) -> dt.date:
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = today
    if not 2000 <= day.year <= 2100:
        day = today
    return day - dt.timedelta(days=day.weekday())


@require_GET
@portal_view
def calendar_week(request, slug: str):
    viewer = viewer_for(request)
    association = get_calendar_for(viewer, slug)
    context = _calendar_context(request, association, "week")
    monday = _week_param(request.GET.get("week", ""))
    occurrences = _occurrences(
        association, viewer, monday, monday + dt.timedelta(days=7), context["category"]
    )
    context.update(
        monday=monday,
        days=selectors.days_of(occurrences, monday, 7),
        previous=monday - dt.timedelta(days=7),
        next=monday + dt.timedelta(days=7),
    )
    return render(request, "activities/calendar_week.html", context)


LIST_DAYS = 60


@require_GET
@portal_view
def calendar_list(request, slug: str):
    viewer = viewer_for(request)
    association = get_calendar_for(viewer, slug)
    context = _calendar_context(request, association, "list")
    today = timezone.localdate()
    occurrences = _occurrences(
        association, viewer, today, today + dt.timedelta(days=LIST_DAYS), context["category"]
    )
    context.update(
        days=[d for d in selectors.days_of(occurrences, today, LIST_DAYS) if d.occurrences],
        list_days=LIST_DAYS,
        proposals=selectors.proposals(association) if context["calendar"].may_coordinate else None,
    )
    return render(request, "activities/calendar_list.html", context)


def _activity_form(request, association: Association, *, coordinator: bool, **kwargs):
    # Only reads: an association gets its standard categories when it is set up.
    categories = association.activity_categories.all()
    members = (
        Member.objects.active().filter(association=association).order_by("name")
        if coordinator
        else None
    )
    return ActivityForm(
        request.POST or None,
        categories=categories.order_by("name"),
        members=members,
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@portal_view
def activity_create(request, slug: str):
    """Coordinators plan an activity; other members propose one for approval."""
    viewer = viewer_for(request)
    association = get_calendar_for(viewer, slug)
    may_plan = CalendarAccess(viewer).may_coordinate
    form = _activity_form(request, association, coordinator=may_plan)
    if request.method == "POST" and form.is_valid():
        try:
            if may_plan:
                activity = services.activity_plan(
                    actor=request.user, association=association, data=form.activity_data()
                )
            else:
                activity = services.activity_propose(
                    actor=request.user, member=viewer.member, data=form.activity_data()
                )
        except DomainError as error:
            form_error(form, error)
        else:
            if may_plan:
                messages.success(request, _("The activity is on the calendar."))
            else:
                messages.success(request, _("Thank you! A coordinator will look at your proposal."))
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "association": association, "may_plan": may_plan},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@portal_view
def activity_detail(request, pk: int):
    viewer = viewer_for(request)
    activity = get_activity_for(viewer, pk)
    occurrences = (
        activity.occurrences.upcoming().with_counts(viewer.member).order_by("starts_at")[:20]
    )
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "occurrences": occurrences,
            "organisers": list(activity.organisers.order_by("name")),
            "access": activity.access,
            "may_approve": activity.access.may_approve
            and activity.status == Activity.Status.PROPOSED,
        },
    )


@require_http_methods(["GET", "POST"])
@portal_view
def activity_edit(request, pk: int):
    viewer = viewer_for(request)
    activity = get_activity_for(viewer, pk, need=ActivityNeed.MANAGE)
    if activity.status == Activity.Status.CANCELLED:
        raise Http404
    form = _activity_form(
        request,
        activity.association,
        coordinator=activity.access.may_approve,
        initial=ActivityForm.initial_for(activity),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=request.user, activity=activity, data=form.activity_data()
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The activity was changed."))
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "association": activity.association, "activity": activity},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@portal_view
def activity_cancel(request, pk: int):
    viewer = viewer_for(request)
    activity = get_activity_for(viewer, pk, need=ActivityNeed.MANAGE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_cancel(
                actor=request.user, activity=activity, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("The activity was cancelled; those signed up got an e-mail.")
            )
        return redirect("activities:activity_detail", pk=activity.pk)
    return render(request, "activities/confirm_cancel.html", {"form": form, "activity": activity})


@require_POST
@portal_view
def activity_approve(request, pk: int):
    viewer = viewer_for(request)
    activity = get_activity_for(viewer, pk, need=ActivityNeed.APPROVE)
    try:
        services.activity_approve(actor=request.user, activity=activity)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The proposal was approved and is on the calendar."))
    return redirect("activities:activity_detail", pk=activity.pk)


@require_http_methods(["GET", "POST"])
@portal_view
def activity_hours(request, pk: int):
    """Log the organisers' hours for one date of an activity in one step."""
    viewer = viewer_for(request)
    activity = get_activity_for(viewer, pk, need=ActivityNeed.MANAGE)
    held = activity.occurrences.filter(
        status=Occurrence.Status.SCHEDULED, starts_at__lte=timezone.now()
    ).order_by("-starts_at")[:50]
    form = OrganiserHoursForm(request.POST or None, occurrences=held)
    if request.method == "POST" and form.is_valid():
        try:
            logs = services.contribution_log_organisers(
                actor=request.user,
                occurrence=form.cleaned_data["occurrence"],
                hours=form.cleaned_data["hours"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Hours logged for %(n)s organisers; a coordinator will confirm them.")
                % {"n": len(logs)},
            )
            return redirect("activities:activity_detail", pk=activity.pk)
    return render(
        request,
        "activities/activity_hours.html",
        {"form": form, "activity": activity, "organisers": activity.organisers.all()},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@portal_view
def occurrence_detail(request, pk: int):
    viewer = viewer_for(request)
    occurrence = get_occurrence_for(viewer, pk)
    activity = occurrence.activity
    signups = selectors.occurrence_signups(occurrence)
    mine = next((s for s in signups if s.member_id == viewer.member.pk), None)
    confirmed = [s for s in signups if s.status == SignUp.Status.CONFIRMED]
    now = timezone.now()
    return render(
        request,
        "activities/occurrence_detail.html",
        {
            "occurrence": occurrence,
            "activity": activity,
            "mine": mine,
            "signups": signups if activity.access.may_manage else None,
            "confirmed_count": len(confirmed),
            "waiting_count": len(signups) - len(confirmed),
            "places_left": (
                max(0, activity.capacity - len(confirmed)) if activity.capacity else None
            ),
            "access": activity.access,
            "is_open": (
                not occurrence.is_cancelled
                and activity.status == Activity.Status.PLANNED
                and occurrence.starts_at > now
            ),
            "has_started": occurrence.starts_at <= now,
        },
    )


@require_POST
@portal_view
def occurrence_signup(request, pk: int):
    viewer = viewer_for(request)
    occurrence = get_occurrence_for(viewer, pk)
    try:
        signup = services.signup_create(
            actor=request.user, occurrence=occurrence, member=viewer.member
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if signup.status == SignUp.Status.CONFIRMED:
            messages.success(request, _("You are signed up."))
        else:
            messages.info(
                request,
                _(
                    "This date is full: you are on the waiting list. We e-mail you when a "
                    "place comes free."
                ),
            )
    return redirect("activities:occurrence_detail", pk=occurrence.pk)


@require_POST
@portal_view
def occurrence_signup_cancel(request, pk: int):
    viewer = viewer_for(request)
    occurrence = get_occurrence_for(viewer, pk)
    signup = get_own_signup_for(viewer, occurrence)
    try:
        services.signup_cancel(actor=request.user, signup=signup)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your sign-up was withdrawn."))
    return redirect("activities:occurrence_detail", pk=occurrence.pk)


@require_http_methods(["GET", "POST"])
@portal_view
def occurrence_cancel(request, pk: int):
    viewer = viewer_for(request)
    occurrence = get_occurrence_for(viewer, pk, need=ActivityNeed.MANAGE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.occurrence_cancel(
                actor=request.user, occurrence=occurrence, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("This date was cancelled; those signed up got an e-mail."))
        return redirect("activities:occurrence_detail", pk=occurrence.pk)
    return render(
        request,
        "activities/confirm_cancel.html",
        {"form": form, "activity": occurrence.activity, "occurrence": occurrence},
    )


@require_http_methods(["GET", "POST"])
@portal_view
def occurrence_move(request, pk: int):
    viewer = viewer_for(request)
    occurrence = get_occurrence_for(viewer, pk, need=ActivityNeed.MANAGE)
    start = timezone.localtime(occurrence.starts_at)
    form = WhenForm(
        request.POST or None,
        initial={
            "date": start.date(),
            "start_time": start.time(),
            "end_time": timezone.localtime(occurrence.ends_at).time(),
        },
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.span()
        try:
            services.occurrence_move(
                actor=request.user, occurrence=occurrence, starts_at=starts_at, ends_at=ends_at
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The date was moved; those signed up got an e-mail."))
            return redirect("activities:occurrence_detail", pk=occurrence.pk)
    return render(
        request,
        "activities/occurrence_move.html",
        {"form": form, "occurrence": occurrence},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@portal_view
def occurrence_attendance(request, pk: int):
    viewer = viewer_for(request)
    occurrence = get_occurrence_for(viewer, pk, need=ActivityNeed.MANAGE)
    signups = occurrence.signups.filter(status=SignUp.Status.CONFIRMED).select_related("member")
    form = AttendanceForm(
        request.POST or None,
        signups=signups,
        initial={
            "present": [s.pk for s in signups if s.attended],
            "walk_ins": occurrence.walk_ins,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                actor=request.user,
                occurrence=occurrence,
                present=[s.pk for s in form.cleaned_data["present"]],
                walk_ins=form.cleaned_data["walk_ins"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Attendance recorded."))
            return redirect("activities:occurrence_detail", pk=occurrence.pk)
    return render(
        request,
        "activities/occurrence_attendance.html",
        {"form": form, "occurrence": occurrence},
        status=400 if request.method == "POST" else 200,
    )


def _render_my_calendar(request, member: Member, token: str | None = None):
    """The member's sign-ups and feed links; the private links only right after making them."""
    context = {
        "member": member,
        "signups": selectors.my_signups(member),
        "public_feed": absolute_url(reverse("ical_public", args=[member.association.slug])),
    }
    if token:
        context["feed_association"] = absolute_url(reverse("ical_members", args=[token]))
        context["feed_mine"] = absolute_url(reverse("ical_member", args=[token]))
    return render(request, "activities/my_calendar.html", context)


@require_GET
@portal_view
def my_calendar(request):
    return _render_my_calendar(request, own_member(viewer_for(request)))


@require_POST
@portal_view
def feed_token_regenerate(request):
    """A new private feed link, shown once: only its hash is stored."""
    member = own_member(viewer_for(request))
    token = services.calendar_token_regenerate(actor=request.user, member=member)
    messages.success(
        request,
        _("Your private calendar links are below. Any earlier link no longer works."),
    )
    return _render_my_calendar(request, member, token)


@require_GET
@portal_view
def my_hours(request):
    viewer = viewer_for(request)
    member = own_member(viewer)

    def hours() -> dict:
        return {
            "commitment": selectors.commitment(member),
            "months": selectors.hours_by_month(member),
            "logs": selectors.recent_logs(member),
        }

    # The page's body is a part kept under the data generation: computed only when built.
    return render(
        request,
        "activities/my_hours.html",
        {"member": member, **deferred(hours, "commitment", "months", "logs")},
    )


@require_http_methods(["GET", "POST"])
@portal_view
def hours_log(request):
    viewer = viewer_for(request)
    member = own_member(viewer)
    form = ContributionForm(
        request.POST or None,
        activities=selectors.loggable_activities(member.association),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contribution_log(actor=request.user, member=member, **form.cleaned_data)
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your hours are logged; a coordinator will confirm them."))
            return redirect("activities:my_hours")
    return render(
        request,
        "activities/hours_log.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@portal_view
def association_hours(request, slug: str):
    """The board sees every member's hours in a month against their commitment."""
    viewer = viewer_for(request)
    association = get_calendar_for(viewer, slug, need=CalendarNeed.MEMBERS_HOURS)
    month = _month_param(request.GET.get("month", ""))
    return render(
        request,
        "activities/association_hours.html",
        {
            "association": association,
            "month": month,
            "rows": selectors.association_hours(association, month),
            "previous": selectors.add_months(month, -1),
            "next": selectors.add_months(month, 1),
        },
    )


@require_GET
@portal_view
def hours_review(request, slug: str):
    viewer = viewer_for(request)
    association = get_calendar_for(viewer, slug, need=CalendarNeed.COORDINATE)
    return render(
        request,
        "activities/hours_review.html",
        {
            "association": association,
            "logs": selectors.pending_logs(association),
            "reject_form": RejectForm(),
        },
    )


@require_POST
@portal_view
def hours_confirm(request, pk: int):
    viewer = viewer_for(request)
    log = get_contribution_for(viewer, pk)
    try:
        services.contribution_confirm(actor=request.user, log=log)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Hours of %(name)s confirmed.") % {"name": log.member.name})
    return redirect("activities:hours_review", slug=viewer.member.association.slug)


@require_POST
@portal_view
def hours_reject(request, pk: int):
    viewer = viewer_for(request)
    log = get_contribution_for(viewer, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason when rejecting hours."))
    else:
        try:
            services.contribution_reject(
                actor=request.user, log=log, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Hours of %(name)s rejected; they got an e-mail.") % {"name": log.member.name},
            )
    return redirect("activities:hours_review", slug=viewer.member.association.slug)


@require_http_methods(["GET", "POST"])
@portal_view
def category_list(request, slug: str):
    viewer = viewer_for(request)
    association = get_calendar_for(viewer, slug, need=CalendarNeed.COORDINATE)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_add(
                actor=request.user, association=association, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Category added."))
            return redirect("activities:category_list", slug=association.slug)
    return render(
        request,
        "activities/categories.html",
        {
            "association": association,
            "categories": selectors.categories(association),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@portal_view
def category_rename(request, pk: int):
    viewer = viewer_for(request)
    category = get_category_for(viewer, pk)
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            services.category_rename(
                actor=request.user, category=category, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Category renamed."))
    else:
        messages.error(request, _("Enter a name of at most 80 characters."))
    return redirect("activities:category_list", slug=viewer.member.association.slug)


# --- iCal feeds (no log-in: a subscribed phone cannot log in) --------------------------------


def _ics(request, calendar_bytes: bytes, name: str, *, public: bool) -> HttpResponse:
    """The feed, or 304 Not Modified when the calendar app has these bytes already."""
    etag = feeds.etag(calendar_bytes)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        # A HEAD request gets the headers of the GET without the body.
        body = b"" if request.method == "HEAD" else calendar_bytes
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Length"] = str(len(calendar_bytes))
        response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["ETag"] = etag
    # Calendar apps poll; a private link's feed is for that member's devices only.
    max_age = int(feeds.REFRESH.total_seconds())
    patch_cache_control(response, **{"public" if public else "private": True}, max_age=max_age)
    return response


@require_safe
def ical_public(request, slug: str):
    """The association's public activities, for anyone."""
    association = Association.objects.filter(slug=slug).first()
    if association is None:
        raise Http404
    feed = feeds.association_feed(association, public_only=True)
    return _ics(request, feed, slug, public=True)


@require_safe
def public_activity(request, slug: str, pk: int):
    """A public activity and its coming dates, for people without an account (feed links)."""
    activity = selectors.public_activity(slug, pk)
    if activity is None:
        raise Http404
    return render(
        request,
        "activities/public_activity.html",
        {"activity": activity, "occurrences": selectors.public_dates(activity)},
    )


def _member_for(token: str) -> Member:
    member = services.member_for_calendar_token(token)
    if member is None:
        raise Http404
    return member


@require_safe
def ical_members(request, token: str):
    """All activities of the member's association, behind the member's private link."""
    member = _member_for(token)
    feed = feeds.association_feed(member.association, public_only=False)
    return _ics(request, feed, member.association.slug, public=False)


@require_safe
def ical_member(request, token: str):
    """The member's own sign-ups, behind their private link."""
    member = _member_for(token)
    return _ics(request, feeds.member_feed(member), "mine", public=False)

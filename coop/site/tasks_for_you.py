""" "For you" on the dashboard: what waits for the viewer, in every role they have.

Each app describes what waits in its own selectors (a queryset ordered by urgency); they are
all counted together in one query (``coop.counting.count_together``), so the dashboard needs
one query for "For you" whatever the roles and the number of rows. The lines are ordered by
urgency: what is due soonest first, what has no date last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities import selectors as activity_selectors
from activities.access import CalendarAccess
from coop.counting import Counted, Waiting, count_together
from coop.models import Organisation
from coop.site.compliance.models import (
    AgreementVersion,
    Commitment,
    FollowUp,
    FrozenResult,
    HoursExemption,
)
from coop.site.compliance.rules import Status
from members import selectors as member_selectors
from members.access import AssociationAccess, Viewer
from vacancies import selectors as vacancy_selectors


@dataclass(frozen=True)
class Task:
    """One line: what waits (its count in the label), the one button, and when it is due."""

    label: str
    count: int
    url: str
    action: str
    due: dt.datetime | None = None
    # The button sends a form (it does the thing at once) rather than leading to a page.
    post: bool = False


# What waits, and how to turn its count and first row into a line.
Line = tuple[Waiting, Callable[[Counted], Task]]


def tasks_for(viewer: Viewer, *, now: dt.datetime | None = None) -> list[Task]:
    """Every open task of the viewer, soonest due first (one query)."""
    now = now or timezone.now()
    lines: list[Line] = []
    if viewer.member is not None:
        lines += _member_lines(viewer, now)
    for organisation in sorted(viewer.organisations.values(), key=lambda o: o.name):
        if organisation.kind == Organisation.Kind.CORPORATION:
            lines += _corporation_lines(organisation)
        elif organisation.kind == Organisation.Kind.CARE:
            lines += _care_lines(organisation)
    if viewer.user is not None and any(
        o.kind == Organisation.Kind.CARE for o in viewer.organisations.values()
    ):
        lines.append((member_selectors.moments_coming_up(viewer.user), _moment_coming_up))
    counted = count_together(waiting for waiting, _build in lines)
    tasks = [build(c) for (_waiting, build), c in zip(lines, counted, strict=True) if c]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(tasks, key=lambda t: (t.due is None, t.due or far))


def _moment(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    """A due date or time as an aware moment to order by (a date counts from its start)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time.min))


def _hours(value: Decimal) -> str:
    """Hours as people write them: "3", "1,5", "2,25" (no trailing zeros)."""
    for places in (0, 1):
        if value == round(value, places):
            return floatformat(value, places)
    return floatformat(value, 2)


def _closes(when: dt.datetime, now: dt.datetime) -> str:
    """ "today at 20:00", "tomorrow at 10:00" or "Friday 12 December", in local time."""
    local = timezone.localtime(when)
    days = (local.date() - timezone.localdate(now)).days
    time = formats.time_format(local, "H:i")
    if days == 0:
        return _("today at %(time)s") % {"time": time}
    if days == 1:
        return _("tomorrow at %(time)s") % {"time": time}
    return formats.date_format(local, "l j F")


def _member_lines(viewer: Viewer, now: dt.datetime) -> list[Line]:
    member = viewer.member
    assert member is not None
    association = member.association
    slug = association.slug

    def vote(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s vote open, closes %(when)s",
                "%(count)s votes open, the first closes %(when)s",
                c.count,
            )
            % {"count": c.count, "when": _closes(c.first["ends_at"], now)},
            count=c.count,
            url=reverse("vacancies:round_detail", args=[c.first["pk"]]),
            action=_("Vote"),
            due=c.first["ends_at"],
        )

    def signups(c: Counted) -> Task:
        starts = c.first["occurrence__starts_at"]
        return Task(
            label=ngettext(
                "Tomorrow you take part in %(count)s activity, from %(time)s",
                "Tomorrow you take part in %(count)s activities, the first from %(time)s",
                c.count,
            )
            % {"count": c.count, "time": formats.time_format(timezone.localtime(starts), "H:i")},
            count=c.count,
            url=reverse("activities:my_calendar"),
            action=_("See my sign-ups"),
            due=starts,
        )

    def rejected(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s hour registration was rejected",
                "%(count)s hour registrations were rejected",
                c.count,
            )
            % {"count": c.count},
            count=c.count,
            url=reverse("activities:my_hours"),
            action=_("See why"),
        )

    def to_sign_up_for(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s activity this week you can still sign up for",
                "%(count)s activities this week you can still sign up for",
                c.count,
            )
            % {"count": c.count},
            count=c.count,
            url=reverse("activities:occurrence_detail", args=[c.first["pk"]])
            if c.count == 1
            else reverse("activities:calendar_list", args=[slug]),
            action=_("Have a look and sign up"),
            due=c.first["starts_at"],
        )

    def hours_short(c: Counted) -> Task:
        target = c.first["target"]
        return Task(
            label=ngettext(
                "This month you have logged %(logged)s of %(target)s hour",
                "This month you have logged %(logged)s of %(target)s hours",
                int(target),
            )
            % {"logged": _hours(c.first["logged"]), "target": _hours(target)},
            count=c.count,
            url=reverse("activities:hours_log"),
            action=_("Log your hours"),
        )

    lines: list[Line] = [
        (vacancy_selectors.rounds_to_vote(member, now=now), vote),
        (activity_selectors.signups_tomorrow(member), signups),
        (activity_selectors.hours_rejected_lately(member), rejected),
        (activity_selectors.dates_to_sign_up_for(member, now=now), to_sign_up_for),
        (_hours_short_unless_exempt(member), hours_short),
    ]
    if CalendarAccess(viewer).may_coordinate:
        lines += _coordinator_lines(association)
    access = AssociationAccess(viewer, association)
    if access.may_select:

        def shortlist(c: Counted) -> Task:
            return Task(
                label=ngettext(
                    "%(count)s application to assess for the shortlist",
                    "%(count)s applications to assess for the shortlist",
                    c.count,
                )
                % {"count": c.count},
                count=c.count,
                url=reverse("vacancies:vacancy_detail", args=[c.first["vacancy_id"]]),
                action=_("Make the shortlist"),
            )

        lines.append((vacancy_selectors.applications_to_shortlist(association, now=now), shortlist))
    if access.may_manage:
        lines += _board_lines(association, slug)
    return lines


def _hours_short_unless_exempt(member) -> Waiting:
    """The member when their hours this month fall short of their commitment, unless an
    exemption from the hours covers today (as the contribution rule leaves them out)."""
    short = activity_selectors.hours_short_this_month(member)
    today = timezone.localdate()
    exempt = HoursExemption.objects.filter(member=OuterRef("pk"), starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=today)
    )
    return Waiting(short.queryset.exclude(Exists(exempt)), short.fields)


def _coordinator_lines(association) -> list[Line]:
    def hours(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s hour registration to confirm",
                "%(count)s hour registrations to confirm",
                c.count,
            )
            % {"count": c.count},
            count=c.count,
            url=reverse("activities:hours_review", args=[association.slug]),
            action=_("Confirm hours"),
        )

    def proposals(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s proposal for an activity", "%(count)s proposals for an activity", c.count
            )
            % {"count": c.count},
            count=c.count,
            url=reverse("activities:calendar_list", args=[association.slug]),
            action=_("Review"),
            due=c.first["starts_at"],
        )

    return [
        (activity_selectors.hours_to_confirm(association), hours),
        (activity_selectors.proposals_to_approve(association), proposals),
    ]


def _board_lines(association, slug: str) -> list[Line]:
    def round_to_set_up(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s vacancy waits for a voting round",
                "%(count)s vacancies wait for a voting round",
                c.count,
            )
            % {"count": c.count},
            count=c.count,
            url=reverse("vacancies:round_new", args=[c.first["pk"]]),
            action=_("Set up the vote"),
            due=_moment(c.first["available_from"]),
        )

    def to_invite(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s member without an account",
                "%(count)s members without an account",
                c.count,
            )
            % {"count": c.count},
            count=c.count,
            url=reverse("register:invite_all", args=[slug]),
            action=_("Invite everyone"),
            post=True,
        )

    def breaches(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s broken commitment waits for your explanation",
                "%(count)s broken commitments wait for your explanation",
                c.count,
            )
            % {"count": c.count},
            count=c.count,
            url=reverse("compliance:association_compliance", args=[slug]),
            action=_("Explain"),
        )

    def expired(c: Counted) -> Task:
        return Task(
            label=ngettext("%(count)s invitation expired", "%(count)s invitations expired", c.count)
            % {"count": c.count},
            count=c.count,
            url=reverse("portal:association_members", args=[slug]),
            action=_("See the invitations"),
        )

    return [
        (vacancy_selectors.vacancies_awaiting_a_round(association), round_to_set_up),
        (member_selectors.members_to_invite_waiting(association), to_invite),
        (member_selectors.invitations_expired(association), expired),
        (
            _versions_to_sign(board_signed_at__isnull=True, agreement__association=association),
            _version_task,
        ),
        (_breaches_to_explain(association), breaches),
    ]


# A closed period's breach waits for the board's follow-up this long after the period ended.
BREACH_FOLLOW_UP_DAYS = 365


def _breaches_to_explain(association) -> Waiting:
    """Closed periods of the association's commitments that ended breached (as frozen when they
    closed) and have no follow-up yet, from the last year."""
    explained = FollowUp.objects.filter(
        commitment__version__agreement__association=OuterRef("association"),
        commitment__key=OuterRef("key"),
        period_start=OuterRef("period_start"),
    )
    since = timezone.localdate() - dt.timedelta(days=BREACH_FOLLOW_UP_DAYS)
    breaches = (
        FrozenResult.objects.filter(
            association=association, status=Status.BREACHED, period_end__gte=since
        )
        .exclude(Exists(explained))
        .order_by("period_end", "pk")
    )
    return Waiting(breaches)


def _versions_to_sign(**side) -> Waiting:
    """Agreement versions with commitments that wait for one side's signature."""
    versions = (
        AgreementVersion.objects.filter(in_force=False, **side)
        .filter(Exists(Commitment.objects.filter(version=OuterRef("pk"))))
        .order_by("starts_on", "pk")
    )
    return Waiting(versions, ("starts_on", "agreement__association__slug"))


def _version_task(c: Counted, overview: str = "") -> Task:
    return Task(
        label=ngettext(
            "%(count)s version of the agreement waits for your signature",
            "%(count)s versions of the agreement wait for your signature",
            c.count,
        )
        % {"count": c.count},
        count=c.count,
        url=overview
        if overview and c.count > 1
        else reverse("compliance:agreement_detail", args=[c.first["agreement__association__slug"]]),
        action=_("Read and sign"),
        due=_moment(c.first["starts_on"]),
    )


def _decisions(url: str) -> Callable[[Counted], Task]:
    def build(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s decision waits for your signature",
                "%(count)s decisions wait for your signature",
                c.count,
            )
            % {"count": c.count},
            count=c.count,
            url=url,
            action=_("Read and sign"),
        )

    return build


def _overdue(url: str) -> Callable[[Counted], Task]:
    def build(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s monitoring moment overdue",
                "%(count)s monitoring moments overdue",
                c.count,
            )
            % {"count": c.count},
            count=c.count,
            url=url,
            action=_("See the contracts"),
            due=_moment(c.first["due_on"]),
        )

    return build


def _corporation_lines(corporation: Organisation) -> list[Line]:
    contracts = reverse("portal:corporation_contracts", args=[corporation.slug])
    overview = reverse("compliance:corporation_overview", args=[corporation.slug])

    def nominations(c: Counted) -> Task:
        return Task(
            label=ngettext(
                "%(count)s nomination waits for you", "%(count)s nominations wait for you", c.count
            )
            % {"count": c.count},
            count=c.count,
            url=reverse("vacancies:nomination_detail", args=[c.first["pk"]])
            if c.count == 1
            else reverse("vacancies:nomination_list", args=[corporation.slug]),
            action=_("Decide"),
            due=c.first["nominated_at"],
        )

    return [
        (vacancy_selectors.nominations_waiting(corporation), nominations),
        (member_selectors.moments_overdue(corporation=corporation), _overdue(contracts)),
        (member_selectors.decisions_to_sign(corporation), _decisions(contracts)),
        (
            _versions_to_sign(
                corporation_signed_at__isnull=True,
                agreement__association__corporation=corporation,
            ),
            lambda c: _version_task(c, overview),
        ),
    ]


def _care_lines(care: Organisation) -> list[Line]:
    caseload = reverse("portal:caseload", args=[care.slug])
    return [
        (member_selectors.moments_overdue(care_organisation=care), _overdue(caseload)),
        (member_selectors.decisions_to_sign(care), _decisions(caseload)),
    ]


def _moment_coming_up(c: Counted) -> Task:
    """The worker's own clients' next moment: the only line that names a resident."""
    days = (c.first["due_on"] - timezone.localdate()).days
    name = c.first["contract__tenancy__member__name"]
    if days == 0:
        label = _("Moment with %(name)s today") % {"name": name}
    else:
        label = ngettext(
            "Moment with %(name)s in %(days)s day", "Moment with %(name)s in %(days)s days", days
        ) % {"name": name, "days": days}
    if c.count > 1:
        label = ngettext(
            "%(first)s (and %(more)s more moment soon)",
            "%(first)s (and %(more)s more moments soon)",
            c.count - 1,
        ) % {"first": label, "more": c.count - 1}
    return Task(
        label=label,
        count=c.count,
        url=reverse("portal:contract_detail", args=[c.first["contract_id"]]),
        action=_("Open the contract"),
        due=_moment(c.first["due_on"]),
    )

"""State changes of activities, occurrences, sign-ups, calendar links and contribution hours."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import (
    DEFAULT_CATEGORIES,
    Activity,
    CalendarToken,
    Category,
    ContributionLog,
    Frequency,
    Occurrence,
    SignUp,
    Visibility,
)
from activities.recurrence import HORIZON, end_of, rule_of
from coop.cleaning import check_date_window, clean_text
from coop.exceptions import DomainError
from coop.http import absolute_url
from coop.mail import mail_on_commit, replier_name
from coop.models import Association, AuditAction, User
from coop.services import audit_record
from members.models import Member, hash_token

# How long one occurrence may last (how far ahead: the one date window, coop.cleaning).
MAX_DURATION = dt.timedelta(hours=24)
MAX_CAPACITY = 500
MAX_WALK_INS = 500
# Hours can be logged for this many days back.
LOG_DAYS_BACK = 366
# Day-before reminders go out from this local hour on (the task runs every hour).
REMINDER_FROM_HOUR = 8

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Helpers


def _instants(starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Start and end as UTC instants.

    Aware times in one zone compare and subtract as wall-clock times, so 02:30-03:30 on the
    spring night (one instant, 03:30 summer time) would pass as an hour long.
    """
    return starts_at.astimezone(dt.UTC), ends_at.astimezone(dt.UTC)


def _check_span(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise DomainError(
            _("The activity must end after it starts."), code="ends_before_start", field="ends_at"
        )
    if ends_at - starts_at > MAX_DURATION:
        raise DomainError(
            _("One occurrence can last at most 24 hours."),
            code="occurrence_too_long",
            field="ends_at",
        )


def _revise(model, pks: Iterable[int], now: dt.datetime) -> None:
    """Bump the iCal revision (SEQUENCE) and LAST-MODIFIED of changed rows."""
    model.objects.filter(pk__in=list(pks)).update(sequence=F("sequence") + 1, updated_at=now)


def _mail_about(
    member: Member,
    occurrence: Occurrence,
    template: str,
    *,
    replier: User | None = None,
    **extra,
) -> None:
    """Tell a member about one date of an activity, from the association by name. With a
    ``replier`` (the coordinator who changed it) the e-mail invites questions by reply, and a
    reply reaches them."""
    context = {
        "member": member,
        "occurrence": occurrence,
        "activity": occurrence.activity,
        "starts_at": timezone.localtime(occurrence.starts_at),
        "url": absolute_url(reverse("activities:occurrence_detail", args=[occurrence.pk])),
        "replier": replier_name(replier),
        **extra,
    }
    mail_on_commit(
        member,
        template=f"activities/email/{template}",
        context=context,
        sender=occurrence.activity.association.name,
        reply_to=replier.email if replier else "",
    )


def _signed_up_members(occurrences: Iterable[Occurrence]) -> list[tuple[Member, Occurrence]]:
    signups = (
        SignUp.objects.filter(occurrence__in=list(occurrences))
        .select_related("member__user", "occurrence__activity__association")
        .order_by("occurrence__starts_at", "pk")
    )
    return [(s.member, s.occurrence) for s in signups]


# --------------------------------------------------------------------------------------------
# Categories


@transaction.atomic
def categories_ensure(*, association: Association) -> list[Category]:
    """Create the standard categories an association is missing; returns the created ones."""
    have = set(association.activity_categories.exclude(key="").values_list("key", flat=True))
    names = {n.lower() for n in association.activity_categories.values_list("name", flat=True)}
    created = []
    for category in default_categories(association):
        if category.key in have:
            continue
        if category.name.lower() in names:  # the association made its own category with this name
            continue
        category.save(force_insert=True)
        created.append(category)
    return created


def default_categories(association: Association) -> list[Category]:
    """The standard categories of an association, unsaved."""
    with translation.override(None):  # stored in English; shown translated by its key
        return [
            Category(association=association, key=key, name=str(label))
            for key, label in DEFAULT_CATEGORIES.items()
        ]


def _unique_name(association: Association, name: str, *, exclude: int | None = None) -> str:
    name = clean_text(name, field="name", max_length=80, required=True)
    taken = association.activity_categories.filter(name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    labels = {
        str(c.label).lower() for c in association.activity_categories.exclude(pk=exclude or 0)
    }
    if taken.exists() or name.lower() in labels:
        raise DomainError(
            _("This association already has a category with that name."),
            code="category_name_taken",
            field="name",
        )
    return name


@transaction.atomic
def category_add(*, actor: User, association: Association, name: str) -> Category:
    """Add a category to the association's list."""
    name = _unique_name(association, name)
    category = Category.objects.create(association=association, name=name)
    audit_record(actor=actor, action=AuditAction.CATEGORY_ADDED, target=category)
    return category


@transaction.atomic
def category_rename(*, actor: User, category: Category, name: str) -> Category:
    """Rename a category; a standard category then shows the new name in every language."""
    # Lock the category: two renames must not both pass the uniqueness check.
    category = Category.objects.select_for_update().get(pk=category.pk)
    association = Association.objects.get(pk=category.association_id)
    name = _unique_name(association, name, exclude=category.pk)
    category.name = name
    category.key = ""
    category.save(update_fields=["name", "key"])
    audit_record(actor=actor, action=AuditAction.CATEGORY_RENAMED, target=category)
    return category


# --------------------------------------------------------------------------------------------
# Activities


@dataclass
class ActivityData:
    """What a person fills in for an activity; the services check it."""

    title: str
    category: Category
    location: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = ""
    frequency: str = Frequency.ONCE
    interval: int = 1
    until: dt.date | None = None
    count: int | None = None
    capacity: int | None = None
    visibility: str = Visibility.MEMBERS
    organisers: Sequence[Member] = field(default_factory=list)


def _check(association: Association, data: ActivityData, *, new: bool) -> dict:
    """Validate activity input; returns the cleaned model fields (without organisers)."""
    now = timezone.now()
    title = clean_text(data.title, field="title", max_length=120, required=True)
    location = clean_text(data.location, field="location", max_length=200, required=True)
    description = clean_text(
        data.description, field="description", max_length=4000, required=False, multiline=True
    )
    if data.category is None or data.category.association_id != association.pk:
        raise DomainError(
            _("Choose one of the association's categories."),
            code="category_invalid",
            field="category",
        )
    if data.frequency not in Frequency.values:
        raise DomainError(
            _("Choose how often the activity repeats."), code="frequency_invalid", field="frequency"
        )
    if data.visibility not in Visibility.values:
        raise DomainError(
            _("Choose who may see the activity."), code="visibility_invalid", field="visibility"
        )
    starts_at, ends_at = _instants(data.starts_at, data.ends_at)
    _check_span(starts_at, ends_at)
    if new and starts_at < now:
        raise DomainError(_("The start lies in the past."), code="start_in_past", field="starts_at")
    check_date_window(starts_at, field="starts_at", years_back=None)
    if data.capacity is not None and not 1 <= data.capacity <= MAX_CAPACITY:
        raise DomainError(
            _("The capacity must be between 1 and %(max)s.") % {"max": MAX_CAPACITY},
            code="capacity_out_of_range",
            field="capacity",
        )
    recurring = data.frequency != Frequency.ONCE
    interval = data.interval if recurring else 1
    until = data.until if recurring else None
    count = data.count if recurring else None
    if not 1 <= interval <= Activity.MAX_INTERVAL:
        raise DomainError(
            _("Repeat every 1 to %(max)s weeks or months.") % {"max": Activity.MAX_INTERVAL},
            code="interval_out_of_range",
            field="interval",
        )
    if until is not None and count is not None:
        raise DomainError(
            _("Give an end date or a number of times, not both."),
            code="until_and_count",
            field="count",
        )
    if count is not None and not 1 <= count <= Activity.MAX_COUNT:
        raise DomainError(
            _("Repeat 1 to %(max)s times.") % {"max": Activity.MAX_COUNT},
            code="count_out_of_range",
            field="count",
        )
    if until is not None:
        if until < timezone.localdate(starts_at):
            raise DomainError(
                _("The end date lies before the first date."),
                code="until_before_start",
                field="until",
            )
        if until > timezone.localdate(starts_at) + dt.timedelta(days=5 * 366):
            raise DomainError(
                _("Repeat for at most five years."), code="until_too_far_ahead", field="until"
            )
    for organiser in data.organisers:
        if organiser.association_id != association.pk or organiser.status != Member.Status.ACTIVE:
            raise DomainError(
                _("Organisers must be active members of the association."),
                code="organiser_not_active_member",
                field="organisers",
            )
    return {
        "title": title,
        "description": description,
        "category": data.category,
        "location": location,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "frequency": data.frequency,
        "interval": interval,
        "until": until,
        "count": count,
        "capacity": data.capacity,
        "visibility": data.visibility,
    }


def _create(
    *, actor: User, association: Association, data: ActivityData, status: str, proposer=None
) -> Activity:
    fields = _check(association, data, new=True)
    activity = Activity.objects.create(
        association=association, status=status, proposed_by=proposer, **fields
    )
    organisers = list(data.organisers)
    if proposer is not None and proposer not in organisers:
        organisers.append(proposer)
    activity.organisers.set(organisers)
    if status == Activity.Status.PLANNED:
        _sync_occurrences(activity, now=timezone.now())
    return activity


@transaction.atomic
def activity_plan(*, actor: User, association: Association, data: ActivityData) -> Activity:
    """A coordinator puts an activity on the calendar; its dates are generated from the rule."""
    activity = _create(
        actor=actor, association=association, data=data, status=Activity.Status.PLANNED
    )
    audit_record(actor=actor, action=AuditAction.ACTIVITY_PLANNED, target=activity)
    return activity


@transaction.atomic
def activity_propose(*, actor: User, member: Member, data: ActivityData) -> Activity:
    """A member proposes an activity (they organise it); a coordinator approves it."""
    if member.status != Member.Status.ACTIVE:
        raise DomainError(_("This member has left the association."), code="member_left")
    activity = _create(
        actor=actor,
        association=member.association,
        data=data,
        status=Activity.Status.PROPOSED,
        proposer=member,
    )
    audit_record(
        actor=actor,
        action=AuditAction.ACTIVITY_PROPOSED,
        target=activity,
    )
    return activity


def _locked_activity(activity: Activity) -> Activity:
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("association")
        .get(pk=activity.pk)
    )


@transaction.atomic
def activity_approve(*, actor: User, activity: Activity) -> Activity:
    """A coordinator approves a proposal: it goes on the calendar."""
    # Lock the activity: approving twice must not generate the dates twice.
    activity = _locked_activity(activity)
    if activity.status != Activity.Status.PROPOSED:
        raise DomainError(
            _("Only a proposed activity can be approved."), code="activity_not_proposed"
        )
    now = timezone.now()
    if activity.starts_at < now:
        raise DomainError(
            _("The proposed start has passed; edit the date first."), code="proposed_start_passed"
        )
    activity.status = Activity.Status.PLANNED
    activity.save(update_fields=["status"])
    _sync_occurrences(activity, now=now)
    audit_record(
        actor=actor,
        action=AuditAction.ACTIVITY_APPROVED,
        target=activity,
    )
    return activity


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, data: ActivityData) -> Activity:
    """Change an activity; future dates follow the new rule, sign-ups on kept dates stay."""
    # Lock the activity: sign-ups and a concurrent edit must see one set of dates.
    activity = _locked_activity(activity)
    if activity.status == Activity.Status.CANCELLED:
        raise DomainError(_("A cancelled activity cannot be changed."), code="activity_cancelled")
    fields = _check(activity.association, data, new=False)
    changed_start = fields["starts_at"] != activity.starts_at
    now = timezone.now()
    if changed_start and fields["starts_at"] < now:
        raise DomainError(_("The start lies in the past."), code="start_in_past", field="starts_at")
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save()
    _revise(Activity, [activity.pk], now)
    activity.organisers.set(list(data.organisers) or list(activity.organisers.all()))
    if activity.status == Activity.Status.PLANNED:
        _sync_occurrences(activity, now=now)
        # A larger capacity may free places: only dates with someone waiting can move anyone up.
        waiting = (
            activity.occurrences.upcoming(now)
            .filter(status=Occurrence.Status.SCHEDULED, signups__status=SignUp.Status.WAITING)
            .distinct()
        )
        for occurrence in waiting:
            _fill_places(occurrence)
    audit_record(
        actor=actor,
        action=AuditAction.ACTIVITY_UPDATED,
        target=activity,
    )
    return activity


@transaction.atomic
def activity_cancel(*, actor: User, activity: Activity, reason: str = "") -> Activity:
    """Cancel an activity with all its coming dates; everyone signed up gets an e-mail."""
    reason = clean_text(reason, field="reason", max_length=300, required=False)
    activity = _locked_activity(activity)
    if activity.status == Activity.Status.CANCELLED:
        raise DomainError(
            _("This activity is already cancelled."), code="activity_already_cancelled"
        )
    activity.status = Activity.Status.CANCELLED
    activity.cancel_reason = reason
    activity.save(update_fields=["status", "cancel_reason"])
    coming = list(activity.occurrences.upcoming().filter(status=Occurrence.Status.SCHEDULED))
    Occurrence.objects.filter(pk__in=[o.pk for o in coming]).update(
        status=Occurrence.Status.CANCELLED, cancel_reason=reason
    )
    now = timezone.now()
    _revise(Activity, [activity.pk], now)
    _revise(Occurrence, [o.pk for o in coming], now)
    for member, occurrence in _signed_up_members(coming):
        occurrence.cancel_reason = reason
        _mail_about(member, occurrence, "occurrence_cancelled", replier=actor)
    audit_record(
        actor=actor,
        action=AuditAction.ACTIVITY_CANCELLED,
        target=activity,
        data={"reason": reason, "occurrences": len(coming)},
    )
    return activity


def _sync_occurrences(activity: Activity, *, now: dt.datetime) -> None:
    """Make the stored future dates match the rule up to the horizon.

    A date that stays (same day) keeps its sign-ups, its cancellation and its move; a date
    the rule no longer has is deleted, or cancelled when people had signed up for it.
    """
    duration = activity.duration
    wanted = [s for s in rule_of(activity).starts(up_to=now + HORIZON) if s >= now]
    revised = []
    future = {
        timezone.localdate(o.original_start): o
        for o in activity.occurrences.filter(original_start__gte=now)
    }
    new = []
    changed = []
    for start in wanted:
        occurrence = future.pop(timezone.localdate(start), None)
        if occurrence is None:
            new.append(
                Occurrence(
                    activity=activity,
                    original_start=start,
                    starts_at=start,
                    ends_at=end_of(start, duration),
                )
            )
            continue
        before = (occurrence.original_start, occurrence.starts_at, occurrence.ends_at)
        moved = occurrence.is_moved
        occurrence.original_start = start
        if not moved:
            occurrence.starts_at, occurrence.ends_at = start, end_of(start, duration)
        if (occurrence.original_start, occurrence.starts_at, occurrence.ends_at) != before:
            changed.append(occurrence)
            revised.append(occurrence.pk)
    # One statement for the dates that moved with the rule, however many there are.
    Occurrence.objects.bulk_update(changed, ["original_start", "starts_at", "ends_at"])
    Occurrence.objects.bulk_create(new)
    dropped = list(future.values())
    with_signups = {
        pk
        for pk in SignUp.objects.filter(occurrence__in=dropped).values_list(
            "occurrence_id", flat=True
        )
    }
    Occurrence.objects.filter(pk__in=[o.pk for o in dropped if o.pk not in with_signups]).delete()
    kept = [o for o in dropped if o.pk in with_signups and not o.is_cancelled]
    reason = _("This date is no longer in the activity's schedule.")
    Occurrence.objects.filter(pk__in=[o.pk for o in kept]).update(
        status=Occurrence.Status.CANCELLED, cancel_reason=reason
    )
    _revise(Occurrence, revised + [o.pk for o in kept], now)
    for member, occurrence in _signed_up_members(kept):
        occurrence.cancel_reason = reason
        _mail_about(member, occurrence, "occurrence_cancelled")


def occurrences_extend(*, now: dt.datetime | None = None) -> int:
    """Generate the dates of recurring activities that came within the horizon (daily task).

    Each activity in its own transaction: one that fails is logged and the others still get
    their dates.
    """
    now = now or timezone.now()
    before = Occurrence.objects.count()
    recurring = Activity.objects.planned().exclude(frequency=Frequency.ONCE)
    for pk in recurring.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                # Lock the activity: an edit at the same moment must not generate the same dates.
                activity = recurring.select_for_update(of=("self",)).filter(pk=pk).first()
                if activity is not None:
                    _sync_occurrences(activity, now=now)
        except Exception:
            logger.exception("Could not extend the dates of activity %s", pk)
    return Occurrence.objects.count() - before


# --------------------------------------------------------------------------------------------
# Occurrences


def _locked_occurrence(occurrence: Occurrence) -> Occurrence:
    return (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("activity__association")
        .get(pk=occurrence.pk)
    )


def _coming(occurrence: Occurrence, now: dt.datetime) -> None:
    if occurrence.is_cancelled or occurrence.activity.status == Activity.Status.CANCELLED:
        raise DomainError(_("This date has been cancelled."), code="occurrence_cancelled")
    if occurrence.starts_at <= now:
        raise DomainError(_("This date has already started."), code="occurrence_started")


@transaction.atomic
def occurrence_cancel(*, actor: User, occurrence: Occurrence, reason: str = "") -> Occurrence:
    """Cancel one date of an activity; everyone signed up for it gets an e-mail."""
    reason = clean_text(reason, field="reason", max_length=300, required=False)
    # Lock the occurrence: a sign-up at the same moment must not slip past the cancellation.
    occurrence = _locked_occurrence(occurrence)
    now = timezone.now()
    _coming(occurrence, now)
    occurrence.status = Occurrence.Status.CANCELLED
    occurrence.cancel_reason = reason
    occurrence.save(update_fields=["status", "cancel_reason"])
    # The series changes too: the feed lists the date as an exception of the activity.
    _revise(Occurrence, [occurrence.pk], now)
    _revise(Activity, [occurrence.activity_id], now)
    for member, _occurrence in _signed_up_members([occurrence]):
        _mail_about(member, occurrence, "occurrence_cancelled", replier=actor)
    audit_record(
        actor=actor,
        action=AuditAction.OCCURRENCE_CANCELLED,
        target=occurrence,
        data={"reason": reason},
    )
    return occurrence


@transaction.atomic
def occurrence_move(
    *, actor: User, occurrence: Occurrence, starts_at: dt.datetime, ends_at: dt.datetime
) -> Occurrence:
    """Move one date to another time; sign-ups stay and get an e-mail."""
    now = timezone.now()
    occurrence = _locked_occurrence(occurrence)
    _coming(occurrence, now)
    starts_at, ends_at = _instants(starts_at, ends_at)
    _check_span(starts_at, ends_at)
    if starts_at < now:
        raise DomainError(_("The start lies in the past."), code="start_in_past", field="starts_at")
    check_date_window(starts_at, field="starts_at", years_back=None)
    if starts_at == occurrence.starts_at and ends_at == occurrence.ends_at:
        raise DomainError(
            _("The new time is the same as the old one."), code="time_unchanged", field="starts_at"
        )
    previous = occurrence.starts_at
    occurrence.starts_at, occurrence.ends_at = starts_at, ends_at
    occurrence.save(update_fields=["starts_at", "ends_at"])
    _revise(Occurrence, [occurrence.pk], now)
    for member, _occurrence in _signed_up_members([occurrence]):
        _mail_about(
            member,
            occurrence,
            "occurrence_moved",
            replier=actor,
            previous=timezone.localtime(previous),
        )
    audit_record(
        actor=actor,
        action=AuditAction.OCCURRENCE_MOVED,
        target=occurrence,
        data={"from": previous.isoformat(), "to": starts_at.isoformat()},
    )
    return occurrence


@transaction.atomic
def attendance_record(
    *, actor: User, occurrence: Occurrence, present: Iterable[int], walk_ins: int
) -> Occurrence:
    """The organiser records who came: sign-ups present (by id) and people who walked in."""
    occurrence = _locked_occurrence(occurrence)
    if occurrence.is_cancelled:
        raise DomainError(_("This date has been cancelled."), code="occurrence_cancelled")
    if occurrence.starts_at > timezone.now():
        raise DomainError(
            _("Attendance can be recorded once the activity has started."),
            code="occurrence_not_started",
        )
    if not 0 <= walk_ins <= MAX_WALK_INS:
        raise DomainError(
            _("Enter a number of walk-ins between 0 and %(max)s.") % {"max": MAX_WALK_INS},
            code="walk_ins_out_of_range",
            field="walk_ins",
        )
    present = set(present)
    confirmed = occurrence.signups.filter(status=SignUp.Status.CONFIRMED)
    if not present <= set(confirmed.values_list("pk", flat=True)):
        raise DomainError(
            _("Choose from the people who signed up."),
            code="attendee_not_signed_up",
            field="present",
        )
    confirmed.filter(pk__in=present).update(attended=True)
    confirmed.exclude(pk__in=present).update(attended=False)
    occurrence.walk_ins = walk_ins
    occurrence.attendance_recorded_at = timezone.now()
    occurrence.save(update_fields=["walk_ins", "attendance_recorded_at"])
    return occurrence


# --------------------------------------------------------------------------------------------
# Sign-ups


def _fill_places(occurrence: Occurrence) -> list[SignUp]:
    """Move waiting members up into free places, in the order they signed up; tell them."""
    capacity = occurrence.activity.capacity
    waiting = occurrence.signups.filter(status=SignUp.Status.WAITING).select_related("member__user")
    if capacity is not None:
        taken = occurrence.signups.filter(status=SignUp.Status.CONFIRMED).count()
        free = max(0, capacity - taken)
        waiting = waiting[:free]
    promoted = list(waiting)
    SignUp.objects.filter(pk__in=[s.pk for s in promoted]).update(status=SignUp.Status.CONFIRMED)
    for signup in promoted:
        signup.status = SignUp.Status.CONFIRMED
        _mail_about(signup.member, occurrence, "signup_promoted")
    return promoted


@transaction.atomic
def signup_create(*, actor: User, occurrence: Occurrence, member: Member) -> SignUp:
    """Sign a member up; beyond the capacity they go on the waiting list."""
    # Lock the occurrence: concurrent sign-ups count the confirmed places one at a time.
    occurrence = _locked_occurrence(occurrence)
    activity = occurrence.activity
    if member.association_id != activity.association_id or member.status != Member.Status.ACTIVE:
        raise DomainError(_("Only members of the association can sign up."), code="signup_outsider")
    if activity.status != Activity.Status.PLANNED:
        raise DomainError(_("This activity is not on the calendar."), code="activity_not_planned")
    _coming(occurrence, timezone.now())
    if occurrence.signups.filter(member=member).exists():
        raise DomainError(_("You are already signed up for this date."), code="already_signed_up")
    confirmed = occurrence.signups.filter(status=SignUp.Status.CONFIRMED).count()
    full = activity.capacity is not None and confirmed >= activity.capacity
    try:
        with transaction.atomic():
            signup = SignUp.objects.create(
                occurrence=occurrence,
                member=member,
                status=SignUp.Status.WAITING if full else SignUp.Status.CONFIRMED,
            )
    except IntegrityError:
        raise DomainError(
            _("You are already signed up for this date."), code="already_signed_up"
        ) from None
    return signup


@transaction.atomic
def signup_cancel(*, actor: User, signup: SignUp) -> SignUp:
    """Withdraw a sign-up; the first member on the waiting list moves up and is told."""
    # Lock the occurrence: the freed place goes to exactly one waiting member.
    occurrence = _locked_occurrence(signup.occurrence)
    locked = SignUp.objects.filter(pk=signup.pk, occurrence=occurrence).first()
    if locked is None:
        raise DomainError(_("You are not signed up for this date."), code="not_signed_up")
    signup = locked
    if occurrence.starts_at <= timezone.now():
        raise DomainError(_("This date has already started."), code="occurrence_started")
    signup.delete()
    if not occurrence.is_cancelled and occurrence.activity.status == Activity.Status.PLANNED:
        _fill_places(occurrence)
    return signup


@transaction.atomic
def reminders_send() -> int:
    """E-mail everyone signed up for tomorrow's dates, once (the day-before reminder)."""
    now = timezone.now()
    if timezone.localtime(now).hour < REMINDER_FROM_HOUR:
        return 0  # nobody wants a reminder in the middle of the night
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    # Lock the sign-ups: two runs at once must not both remind the same person.
    due = list(
        SignUp.objects.select_for_update(of=("self",))
        .filter(
            status=SignUp.Status.CONFIRMED,
            reminded_at__isnull=True,
            occurrence__status=Occurrence.Status.SCHEDULED,
            occurrence__activity__status=Activity.Status.PLANNED,
            occurrence__starts_at__gte=start,
            occurrence__starts_at__lt=end,
        )
        .select_related("member__user", "occurrence__activity__association")
    )
    SignUp.objects.filter(pk__in=[s.pk for s in due]).update(reminded_at=now)
    for signup in due:
        _mail_about(signup.member, signup.occurrence, "reminder")
    return len(due)


# --------------------------------------------------------------------------------------------
# Calendar feed links


@transaction.atomic
def calendar_token_regenerate(*, actor: User, member: Member) -> str:
    """Give the member a new private feed link; the old one stops working at once."""
    token = secrets.token_urlsafe(32)
    CalendarToken.objects.update_or_create(
        member=member, defaults={"token_hash": hash_token(token)}
    )
    return token


def member_for_calendar_token(token: str) -> Member | None:
    """The active member a private feed link belongs to, or None."""
    found = (
        CalendarToken.objects.filter(
            token_hash=hash_token(token), member__status=Member.Status.ACTIVE
        )
        .select_related("member__association")
        .first()
    )
    return found.member if found else None


# --------------------------------------------------------------------------------------------
# Contribution hours


def _clean_hours(hours) -> Decimal:
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        raise DomainError(
            _("Enter a number of hours."), code="hours_not_a_number", field="hours"
        ) from None
    if not value.is_finite() or value <= 0 or value > ContributionLog.MAX_HOURS:
        raise DomainError(
            _("Enter between 0.25 and 24 hours."), code="hours_out_of_range", field="hours"
        )
    if value % Decimal("0.25"):
        raise DomainError(
            _("Enter hours in quarters (e.g. 1.5 or 2.25)."),
            code="hours_not_quarters",
            field="hours",
        )
    return value


def _clean_log_date(member: Member, date: dt.date) -> dt.date:
    today = timezone.localdate()
    if date > today:
        raise DomainError(
            _("Hours can only be logged for today or earlier."),
            code="log_date_in_future",
            field="date",
        )
    if date < today - dt.timedelta(days=LOG_DAYS_BACK) or date < member.joined_on:
        raise DomainError(
            _("The date lies too far back (more than a year ago or before you joined)."),
            code="log_date_too_far_back",
            field="date",
        )
    return date


@transaction.atomic
def contribution_log(
    *,
    actor: User,
    member: Member,
    date: dt.date,
    hours: Decimal,
    kind: str,
    activity: Activity | None = None,
    note: str = "",
) -> ContributionLog:
    """A member logs hours they gave; a coordinator confirms them later."""
    if member.status != Member.Status.ACTIVE:
        raise DomainError(_("This member has left the association."), code="member_left")
    if kind not in ContributionLog.Kind.values:
        raise DomainError(
            _("Choose a kind of contribution."), code="contribution_kind_invalid", field="kind"
        )
    if activity is not None and activity.association_id != member.association_id:
        raise DomainError(
            _("Choose an activity of your association."),
            code="activity_of_other_association",
            field="activity",
        )
    return ContributionLog.objects.create(
        member=member,
        date=_clean_log_date(member, date),
        hours=_clean_hours(hours),
        kind=kind,
        activity=activity,
        note=clean_text(note, field="note", max_length=300, required=False),
        logged_by=actor,
    )


@transaction.atomic
def contribution_log_organisers(
    *, actor: User, occurrence: Occurrence, hours: Decimal
) -> list[ContributionLog]:
    """Log the same hours for every organiser of an activity's date, in one step."""
    # Lock the occurrence: logging twice at once must not double the organisers' hours.
    occurrence = _locked_occurrence(occurrence)
    activity = occurrence.activity
    if occurrence.is_cancelled:
        raise DomainError(_("This date has been cancelled."), code="occurrence_cancelled")
    if occurrence.starts_at > timezone.now():
        raise DomainError(
            _("Hours can be logged once the activity has started."), code="occurrence_not_started"
        )
    hours = _clean_hours(hours)
    day = timezone.localdate(occurrence.starts_at)
    organisers = list(activity.organisers.filter(status=Member.Status.ACTIVE))
    if not organisers:
        raise DomainError(_("This activity has no organisers."), code="no_organisers")
    already = set(
        ContributionLog.objects.filter(activity=activity, date=day, member__in=organisers)
        .exclude(status=ContributionLog.Status.REJECTED)
        .values_list("member_id", flat=True)
    )
    if already:
        raise DomainError(
            _("Hours for this date have already been logged for an organiser."),
            code="hours_already_logged",
        )
    return [
        contribution_log(
            actor=actor,
            member=organiser,
            date=_clean_log_date(organiser, day),
            hours=hours,
            kind=ContributionLog.Kind.ORGANISING,
            activity=activity,
        )
        for organiser in organisers
    ]


def _decide(log: ContributionLog, actor: User, status: str, reason: str = "") -> ContributionLog:
    # Lock the log: confirming and rejecting at once must leave one decision.
    log = (
        ContributionLog.objects.select_for_update(of=("self",))
        .select_related("member__association", "member__user")
        .get(pk=log.pk)
    )
    if log.status != ContributionLog.Status.PENDING:
        raise DomainError(
            _("These hours have already been decided on."), code="hours_already_decided"
        )
    if log.member.user_id is not None and log.member.user_id == actor.pk:
        raise DomainError(_("Another coordinator must confirm your own hours."), code="own_hours")
    log.status, log.reason = status, reason
    log.decided_by, log.decided_at = actor, timezone.now()
    log.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=(
            AuditAction.CONTRIBUTION_CONFIRMED
            if status == ContributionLog.Status.CONFIRMED
            else AuditAction.CONTRIBUTION_REJECTED
        ),
        target=log,
        data={"reason": reason} if reason else None,
    )
    return log


@transaction.atomic
def contribution_confirm(*, actor: User, log: ContributionLog) -> ContributionLog:
    """A coordinator confirms logged hours; they count towards the member's commitment."""
    return _decide(log, actor, ContributionLog.Status.CONFIRMED)


@transaction.atomic
def contribution_reject(*, actor: User, log: ContributionLog, reason: str) -> ContributionLog:
    """A coordinator rejects logged hours with a reason, which the member is told."""
    reason = clean_text(reason, field="reason", max_length=300, required=True)
    log = _decide(log, actor, ContributionLog.Status.REJECTED, reason)
    mail_on_commit(
        log.member,
        template="activities/email/contribution_rejected",
        context={
            "member": log.member,
            "log": log,
            "url": absolute_url(reverse("activities:my_hours")),
            "replier": replier_name(actor),
        },
        sender=log.member.association.name,
        reply_to=actor.email,
    )
    return log


# --------------------------------------------------------------------------------------------
# Retention


@transaction.atomic
def calendar_data_purge() -> dict[str, int]:
    """Delete sign-ups, hours and feed links past their retention rule (daily task)."""
    now = timezone.now()
    signups, _ = SignUp.objects.filter(occurrence__ends_at__lt=now - SignUp.RETENTION).delete()
    logs, _ = ContributionLog.objects.filter(
        date__lt=timezone.localdate(now) - ContributionLog.RETENTION
    ).delete()
    tokens, _ = CalendarToken.objects.exclude(member__status=Member.Status.ACTIVE).delete()
    return {"signups": signups, "contributions": logs, "calendar_tokens": tokens}

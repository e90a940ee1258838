"""The vacancy pages: vacancies, candidates, the ballot and its result, nominations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coop.exceptions import DomainError
from coop.http import deferred, form_error, portal_view
from members import services as member_services
from members.access import viewer_for
from members.selectors import members_without_account, unit_outlook
from vacancies import access, services
from vacancies.forms import (
    BallotForm,
    CandidateDecisionForm,
    CandidateNoteForm,
    NominationConfirmForm,
    NominationRefuseForm,
    ReasonForm,
    RoundForm,
    VacancyProfileForm,
    VacancyReportForm,
    ballot_form_from_post,
)
from vacancies.models import Candidate, Nomination, Vacancy, VotingRound
from vacancies.selectors import ballot_candidates, vacancies_of, without_account_count
from vacancies.services import RoundClosed

BLANK_CONFIRMED = "confirmed"  # the ``blank`` field of the form that confirms a blank vote
RECEIPT_COOKIE = "coop_receipt"
RECEIPT_COOKIE_AGE = 30 * 60  # seconds the receipt page shows the code after a cast


def _status(request) -> int:
    """A POST that comes back to its form was refused: 400."""
    return 400 if request.method == "POST" else 200


def _days_open(vacancy: Vacancy, today) -> int:
    return ((vacancy.closed_on or today) - vacancy.reported_on).days


# -- vacancies -------------------------------------------------------------------------------


@require_GET
@portal_view
def vacancy_list(request, slug: str):
    viewer = viewer_for(request)
    association = access.get_association_for(viewer, slug)
    today = timezone.localdate()
    vacancies = list(vacancies_of(association))
    for vacancy in vacancies:
        vacancy.days_open = _days_open(vacancy, today)
    return render(
        request,
        "vacancies/vacancy_list.html",
        {
            "association": association,
            "vacancies": vacancies,
            "access": access.VacancyAccess(viewer, association),
        },
    )


@require_http_methods(["GET", "POST"])
@portal_view
def vacancy_report(request, slug: str):
    viewer = viewer_for(request)
    association = access.get_association_for(viewer, slug, need=access.VacancyNeed.MANAGE)
    # A recorded move-out links here with the unit and the day it falls vacant filled in.
    initial = {k: request.GET[k] for k in ("unit", "available_from") if k in request.GET}
    form = VacancyReportForm(request.POST or None, association=association, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = services.vacancy_report(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                available_from=form.cleaned_data["available_from"],
                route=form.cleaned_data["route"] or None,
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The vacancy is reported."))
            return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    return render(
        request,
        "vacancies/vacancy_report.html",
        {"association": association, "form": form},
        status=_status(request),
    )


def _candidates_with_nomination(vacancy: Vacancy):
    """The vacancy's candidates, each with its (latest) nomination read in the same query."""
    nomination = Nomination.objects.filter(candidate=OuterRef("pk")).order_by("-nominated_at")
    return vacancy.candidates.annotate(
        nomination_pk=Subquery(nomination.values("pk")[:1]),
        nomination_status=Subquery(nomination.values("status")[:1]),
        nomination_at=Subquery(nomination.values("nominated_at")[:1]),
        nomination_reason=Subquery(nomination.values("refusal_reason")[:1]),
    ).order_by("applied_at", "pk")


@require_GET
@portal_view
def vacancy_detail(request, pk: int):
    viewer = viewer_for(request)
    vacancy = access.get_vacancy_for(viewer, pk)
    vacancy_access = access.VacancyAccess(viewer, vacancy.association)
    may_manage = vacancy_access.may_manage
    may_select = vacancy_access.may_select

    def details() -> dict:
        candidates = list(_candidates_with_nomination(vacancy))
        nominations = sorted(
            (c for c in candidates if c.nomination_pk),
            key=lambda c: c.nomination_at,
            reverse=True,
        )
        rounds = list(vacancy.rounds.select_related("winner").order_by("-number"))
        status = Vacancy.Status
        running = next((r for r in rounds if r.status != VotingRound.Status.CLOSED), None)
        return {
            "outlook": unit_outlook(vacancy.unit),
            "candidates": candidates if vacancy_access.may_see_candidates else [],
            "nominations": nominations,
            "rounds": rounds,
            # What the vacancy's state lets the viewer do next.
            "may_open_applications": may_select
            and vacancy.is_cooptation
            and vacancy.status in (status.REPORTED, status.OPEN),
            "may_finalise": may_select and vacancy.status == status.OPEN,
            "may_schedule": may_manage and vacancy.status == status.SHORTLISTED and not running,
            "may_nominate_next": may_manage
            and vacancy.status == status.SHORTLISTED
            and any(n.nomination_status == Nomination.Status.REFUSED for n in nominations),
            "may_withdraw": may_manage
            and vacancy.status in (status.REPORTED, status.OPEN, status.SHORTLISTED),
            "days_open": _days_open(vacancy, timezone.localdate()),
        }

    # The page's body is a part kept under the data generation: computed only when built.
    names = ("outlook", "candidates", "nominations", "rounds", "may_open_applications")
    names += ("may_finalise", "may_schedule", "may_nominate_next", "may_withdraw", "days_open")
    return render(
        request,
        "vacancies/vacancy_detail.html",
        {"vacancy": vacancy, "access": vacancy_access, **deferred(details, *names)},
    )


@require_http_methods(["GET", "POST"])
@portal_view
def vacancy_profile(request, pk: int):
    viewer = viewer_for(request)
    vacancy = access.get_vacancy_for(viewer, pk, need=access.VacancyNeed.SELECT)
    initial = {
        "profile": vacancy.profile,
        "volunteer_priority": vacancy.volunteer_priority,
        "closes_at": vacancy.applications_close_at
        and timezone.localtime(vacancy.applications_close_at),
    }
    form = VacancyProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.vacancy_open_applications(
                actor=request.user, vacancy=vacancy, **form.cleaned_data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The profile is published and applications are open."))
            return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    return render(
        request,
        "vacancies/vacancy_profile.html",
        {"vacancy": vacancy, "form": form},
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
@portal_view
def vacancy_withdraw(request, pk: int):
    viewer = viewer_for(request)
    vacancy = access.get_vacancy_for(viewer, pk, need=access.VacancyNeed.MANAGE)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.vacancy_withdraw(
                actor=request.user, vacancy=vacancy, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The vacancy is withdrawn."))
            return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    return render(
        request,
        "vacancies/vacancy_withdraw.html",
        {"vacancy": vacancy, "form": form},
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
@portal_view
def shortlist_finalise(request, pk: int):
    viewer = viewer_for(request)
    vacancy = access.get_vacancy_for(viewer, pk, need=access.VacancyNeed.SELECT)
    error = None
    if request.method == "POST":
        try:
            services.shortlist_finalise(actor=request.user, vacancy=vacancy)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("The shortlist is final; the candidates not taken receive the reason by e-mail."),
            )
            return redirect("vacancies:vacancy_detail", pk=vacancy.pk)
    candidates = list(vacancy.candidates.order_by("applied_at", "pk"))
    return render(
        request,
        "vacancies/shortlist_finalise.html",
        {
            "vacancy": vacancy,
            "error": error,
            "shortlisted": [c for c in candidates if c.status == Candidate.Status.SHORTLISTED],
            "rejected": [c for c in candidates if c.status == Candidate.Status.NOT_SHORTLISTED],
            "undecided": [c for c in candidates if c.status == Candidate.Status.APPLIED],
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@portal_view
def round_new(request, pk: int):
    viewer = viewer_for(request)
    vacancy = access.get_vacancy_for(viewer, pk, need=access.VacancyNeed.MANAGE)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        invite = data.pop("invite_without_account")
        try:
            voting_round = services.voting_round_schedule(
                actor=request.user, vacancy=vacancy, **data
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The voting round is set up."))
            if invite:
                sent, refused = member_services.invitations_send_all(
                    actor=request.user,
                    association=vacancy.association,
                    language=request.LANGUAGE_CODE,
                )
                if sent:
                    messages.success(
                        request,
                        ngettext(
                            "%(n)s invitation was sent.", "%(n)s invitations were sent.", len(sent)
                        )
                        % {"n": len(sent)},
                    )
                for member, error in refused:
                    messages.error(request, f"{member.name}: {error.message}")
            return redirect("vacancies:round_detail", pk=voting_round.pk)
    return render(
        request,
        "vacancies/round_new.html",
        {
            "vacancy": vacancy,
            "form": form,
            "shortlist": vacancy.candidates.filter(status=Candidate.Status.SHORTLISTED).order_by(
                "applied_at", "pk"
            ),
            "without_account": members_without_account(vacancy.association).count(),
        },
        status=_status(request),
    )


@require_POST
@portal_view
def nomination_next(request, pk: int):
    viewer = viewer_for(request)
    vacancy = access.get_vacancy_for(viewer, pk, need=access.VacancyNeed.MANAGE)
    try:
        services.nomination_next(actor=request.user, vacancy=vacancy)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The next candidate is nominated to the corporation."))
    return redirect("vacancies:vacancy_detail", pk=vacancy.pk)


# -- candidates ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@portal_view
def candidate_detail(request, pk: int):
    viewer = viewer_for(request)
    candidate = access.get_candidate_for(viewer, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and action not in ("decide", "note"):
        raise Http404
    decision = CandidateDecisionForm(
        request.POST if action == "decide" else None,
        initial={
            "shortlisted": {"shortlisted": "yes", "not_shortlisted": "no"}.get(candidate.status),
            "reason": candidate.decision_reason,
        },
    )
    note = CandidateNoteForm(
        request.POST if action == "note" else None,
        initial={"notes": candidate.interview_notes},
    )
    if action == "decide" and decision.is_valid():
        try:
            services.candidate_shortlist(
                actor=request.user,
                candidate=candidate,
                shortlisted=decision.cleaned_data["shortlisted"] == "yes",
                reason=decision.cleaned_data["reason"],
            )
        except DomainError as error:
            form_error(decision, error)
        else:
            messages.success(
                request, _("The decision on %(name)s is saved.") % {"name": candidate.name}
            )
            return redirect("vacancies:candidate_detail", pk=candidate.pk)
    if action == "note" and note.is_valid():
        try:
            services.candidate_note(
                actor=request.user, candidate=candidate, notes=note.cleaned_data["notes"]
            )
        except DomainError as error:
            form_error(note, error)
        else:
            messages.success(request, _("The interview notes are saved."))
            return redirect("vacancies:candidate_detail", pk=candidate.pk)
    return render(
        request,
        "vacancies/candidate_detail.html",
        {
            "candidate": candidate,
            "vacancy": candidate.vacancy,
            "decision_form": decision,
            "note_form": note,
            "may_decide": candidate.vacancy.status == Vacancy.Status.OPEN,
        },
        status=_status(request),
    )


# -- the ballot ------------------------------------------------------------------------------


def _ballot_page(
    request, voting_round: VotingRound, *, form=None, error="", status=200, confirm_blank=False
):
    """The round page: the ballot while open, the result once closed; never a count before."""
    viewer = viewer_for(request)
    candidates = ballot_candidates(voting_round)
    winner = next((c for c in candidates if c.pk == voting_round.winner_id), None)
    if winner is not None:
        voting_round.winner = winner  # one of the ballot's candidates: no query of its own
    closed = voting_round.status == VotingRound.Status.CLOSED
    now = timezone.now()
    may_vote = voting_round.is_open_at(now) and voting_round.is_elector and not voting_round.recused
    if form is None and may_vote:
        form = BallotForm(method=voting_round.method, candidates=candidates)
    context = {
        "round": voting_round,
        "vacancy": voting_round.vacancy,
        "candidates": candidates,
        "form": form if may_vote else None,
        "error": error,
        "confirm_blank": confirm_blank and may_vote,
        "closed": closed,
        "may_vote": may_vote,
        "may_recuse": not closed
        and now < voting_round.ends_at
        and not voting_round.voted
        and not voting_round.recused
        and (voting_round.is_elector or voting_round.status == VotingRound.Status.SCHEDULED),
        "access": access.VacancyAccess(viewer, voting_round.vacancy.association),
    }
    if closed:
        context.update(_result(voting_round, candidates))
    elif hasattr(voting_round, "without_account"):  # read with the round (round_detail)
        context["without_account"] = voting_round.without_account
    else:
        context["without_account"] = members_without_account(
            voting_round.vacancy.association
        ).count()
    return render(request, "vacancies/round_detail.html", context, status=status)


def _result(voting_round: VotingRound, candidates: list[Candidate]) -> dict:
    """What the stored tally says, in rows a template can show."""
    tally = voting_round.tally or {}
    result = tally.get("result", {})
    counts = result.get("counts", {})
    position = {pk: i for i, pk in enumerate(result.get("ranking", []), start=1)}
    rows = []
    for candidate in candidates:
        rows.append(
            {
                "candidate": candidate,
                "counts": counts.get(str(candidate.pk)),
                "position": position.get(candidate.pk),
                "rounds": [r["counts"].get(str(candidate.pk)) for r in result.get("rounds", [])],
            }
        )
    rows.sort(key=lambda row: (row["position"] or len(candidates) + 1, row["candidate"].pk))
    electorate, recused = tally.get("electorate", 0), tally.get("recused", 0)
    base = electorate - recused
    turnout = tally.get("turnout", 0)
    return {
        "result_rows": rows,
        "runoff_rounds": range(1, len(result.get("rounds", [])) + 1),
        "turnout": turnout,
        "electorate": electorate,
        "recused": recused,
        "base": base,
        "turnout_percent": round(100 * turnout / base) if base else 0,
        "quorum_met": tally.get("quorum_met"),
        "receipts": tally.get("receipts", []),
        "tied": result.get("tied", []),
        "lot_seed": tally.get("lot_seed"),
    }


@require_GET
@portal_view
def round_detail(request, pk: int):
    viewer = viewer_for(request)
    if viewer.member is None:
        raise Http404
    # A round is only ever seen by its own association's members: their count of members who
    # cannot vote online yet is the round's, read in the round's query.
    without_account = without_account_count(viewer.association_id)
    return _ballot_page(request, access.get_round_for(viewer, pk, without_account=without_account))


@require_POST
@portal_view
def ballot_cast(request, pk: int):
    viewer = viewer_for(request)
    # Only what the cast needs; a page sent back reads the whole round (get_round_for).
    voting_round = access.get_round_to_cast(viewer, pk)

    def page_again(**kwargs):
        return _ballot_page(request, access.get_round_for(viewer, pk), **kwargs)

    form = ballot_form_from_post(request.POST, method=voting_round.method)
    # A refused ballot comes back empty: the page never repeats what was chosen.
    if not form.is_valid():
        errors = form.non_field_errors() or [_("The ballot could not be read; fill it in again.")]
        return page_again(error=errors[0], status=400)
    # A ballot left empty is cast only once the voter confirms that they mean a blank vote.
    if form.is_blank() and request.POST.get("blank") != BLANK_CONFIRMED:
        return page_again(confirm_blank=True)
    member = viewer.member
    member.user = request.user  # the receipt e-mail goes to the logged-in user
    try:
        receipt = services.ballot_cast(
            voting_round=voting_round, member=member, choices=form.choices()
        )
    except services.NotInElectorate:
        raise Http404 from None
    except RoundClosed as error:
        return page_again(error=error.message, status=409)
    except DomainError as error:
        return page_again(error=error.message, status=400)
    # POST-redirect-GET: refreshing the receipt page must not send the ballot again. The code
    # travels in a signed cookie kept by the voter's browser alone, never in the session (a
    # session row names the member, the ballot row holds the receipt) nor in the address.
    response = redirect("vacancies:ballot_receipt", pk=voting_round.pk)
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        receipt,
        salt=_receipt_salt(request, voting_round),
        max_age=RECEIPT_COOKIE_AGE,
        path=response["Location"],
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


@require_GET
@portal_view
def ballot_receipt(request, pk: int):
    """The receipt of the viewer's last cast in this browser; the round page otherwise."""
    viewer = viewer_for(request)
    voting_round = access.get_round_for(viewer, pk)
    receipt = request.get_signed_cookie(
        RECEIPT_COOKIE,
        default=None,
        salt=_receipt_salt(request, voting_round),
        max_age=RECEIPT_COOKIE_AGE,
    )
    if receipt is None or not voting_round.voted:
        return redirect("vacancies:round_detail", pk=voting_round.pk)
    return render(
        request,
        "vacancies/ballot_receipt.html",
        {"round": voting_round, "vacancy": voting_round.vacancy, "receipt": receipt},
    )


def _receipt_salt(request, voting_round: VotingRound) -> str:
    """A receipt cookie reads only for the user and the round it was set for."""
    return f"coop.ballot_receipt:{voting_round.pk}:{request.user.pk}"


@require_http_methods(["GET", "POST"])
@portal_view
def recusal_declare(request, pk: int):
    viewer = viewer_for(request)
    voting_round = access.get_round_for(viewer, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recusal_declare(
                voting_round=voting_round,
                member=viewer.member,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(
                request, _("You have stepped out of this round; you will not vote in it.")
            )
            return redirect("vacancies:round_detail", pk=voting_round.pk)
    return render(
        request,
        "vacancies/recusal_declare.html",
        {"round": voting_round, "vacancy": voting_round.vacancy, "form": form},
        status=_status(request),
    )


# -- nominations -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@portal_view
def nomination_detail(request, pk: int):
    viewer = viewer_for(request)
    nomination = access.get_nomination_for(viewer, pk)
    may_decide = access.may_decide_nomination(viewer, nomination)
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and (not may_decide or action not in ("confirm", "refuse")):
        raise Http404
    confirm_form = NominationConfirmForm(
        request.POST if action == "confirm" else None,
        unit=nomination.vacancy.unit,
        available_from=nomination.vacancy.available_from,
    )
    refuse_form = NominationRefuseForm(request.POST if action == "refuse" else None)
    form = confirm_form if action == "confirm" else refuse_form
    if action and form.is_valid():
        if request.POST.get("confirmed") != "yes":
            return render(
                request,
                "vacancies/nomination_confirm.html",
                {"nomination": nomination, "action": action, "form": form},
            )
        try:
            if action == "confirm":
                services.nomination_confirm(
                    actor=request.user, nomination=nomination, **form.cleaned_data
                )
            else:
                services.nomination_refuse(
                    actor=request.user, nomination=nomination, **form.cleaned_data
                )
        except DomainError as error:
            form_error(form, error)
        else:
            if action == "confirm":
                messages.success(
                    request, _("The nomination is confirmed; the tenancy is registered.")
                )
            else:
                messages.success(request, _("The nomination is refused; the board is informed."))
            return redirect("vacancies:nomination_detail", pk=nomination.pk)
    return render(
        request,
        "vacancies/nomination_detail.html",
        {
            "nomination": nomination,
            "vacancy": nomination.vacancy,
            "candidate": nomination.candidate,
            "may_decide": may_decide,
            "confirm_form": confirm_form,
            "refuse_form": refuse_form,
            "today": timezone.localdate(),
        },
        status=_status(request),
    )


@require_GET
@portal_view
def nomination_list(request, slug: str):
    viewer = viewer_for(request)
    corporation = access.get_corporation_for(viewer, slug)
    nominations = list(
        Nomination.objects.filter(vacancy__association__corporation=corporation)
        .select_related("vacancy__association", "vacancy__unit__building", "candidate")
        .order_by("-nominated_at", "-pk")
    )
    today = timezone.localdate()
    pending = [n for n in nominations if n.status == Nomination.Status.PENDING]
    pending.sort(key=lambda n: n.nominated_at)
    for nomination in pending:
        nomination.days_waiting = (today - timezone.localdate(nomination.nominated_at)).days
    return render(
        request,
        "vacancies/nomination_list.html",
        {
            "corporation": corporation,
            "pending": pending,
            "decided": [n for n in nominations if n.status != Nomination.Status.PENDING],
        },
    )

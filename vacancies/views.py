"""Interim: replaced by the portal views of vacancies."""

from django.http import Http404


def vacancy_list(request, **kwargs):
    raise Http404


def vacancy_report(request, **kwargs):
    raise Http404


def vacancy_detail(request, **kwargs):
    raise Http404


def vacancy_profile(request, **kwargs):
    raise Http404


def vacancy_withdraw(request, **kwargs):
    raise Http404


def shortlist_finalise(request, **kwargs):
    raise Http404


def round_new(request, **kwargs):
    raise Http404


def nomination_next(request, **kwargs):
    raise Http404


def candidate_detail(request, **kwargs):
    raise Http404


def round_detail(request, **kwargs):
    raise Http404


def ballot_cast(request, **kwargs):
    raise Http404


def recusal_declare(request, **kwargs):
    raise Http404


def nomination_detail(request, **kwargs):
    raise Http404


def nomination_list(request, **kwargs):
    raise Http404

"""Each rule type on hand-built data: met, at risk, breached and no data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from coop.exceptions import DomainError
from coop.site.compliance.periods import Period
from coop.site.compliance.rules import (
    Activities,
    ConfirmationOnTime,
    ContributionHours,
    ConversionOutcomes,
    DecisionBeforeEnd,
    Mix,
    Monitoring,
    MotivatedDecisions,
    NominationOnTime,
    VacantDays,
    VragersTakePart,
    grade,
)
from tests.compliance import rows

pytestmark = pytest.mark.django_db

D = dt.timedelta


def rule(cls, threshold, band=0, **params):
    return cls(params=params, threshold=Decimal(threshold), band=Decimal(band))


def judge(r, cast, period, as_of=None):
    return r.evaluate(cast.association, period, as_of=as_of or period.last_day)


def test_grade_reads_direction_and_band():
    assert grade(Decimal(95), Decimal(90), Decimal(10), "at_least") == "at_risk"
    assert grade(Decimal(100), Decimal(90), Decimal(10), "at_least") == "met"
    assert grade(Decimal(89), Decimal(90), Decimal(10), "at_least") == "breached"
    assert grade(Decimal(55), Decimal(60), Decimal(10), "at_most") == "at_risk"
    assert grade(Decimal(61), Decimal(60), Decimal(10), "at_most") == "breached"
    assert grade(None, Decimal(60), Decimal(10), "at_most") == "no_data"
    assert grade(None, Decimal(60), Decimal(10), "at_most", at_risk=True) == "at_risk"


def test_parameters_are_checked_per_rule_type():
    with pytest.raises(DomainError) as error:
        rule(NominationOnTime, 90, days=0)
    assert error.value.code == "invalid_parameter"
    with pytest.raises(DomainError) as error:
        rule(NominationOnTime, 90, days="30")
    assert error.value.code == "invalid_parameter"
    with pytest.raises(DomainError) as error:
        rule(VacantDays, 60, days=3)
    assert error.value.code == "unknown_parameter"
    assert rule(Monitoring, 100).params == {"months": 6, "grace_days": 14}


class TestNominationOnTime:
    def test_met_at_risk_breached_no_data(self, cast):
        p = rows.last_month()
        r = rule(NominationOnTime, 50, days=30)
        assert judge(r, cast, p).status == "no_data"
        rows.vacancy(cast.association, reported_on=p.start, nominated_on=p.start + D(10))
        result = judge(r, cast, p)
        assert (result.status, result.figure) == ("met", Decimal("100.0"))
        assert "1 van 1" in result.explanation  # Dutch, the default language
        assert "vraagt 50%" in result.explanation
        rows.vacancy(cast.association, reported_on=p.start - D(60), nominated_on=p.start + D(1))
        assert judge(r, cast, p).figure == Decimal("100.0")  # reported before: not this period
        rows.vacancy(cast.association, reported_on=p.start + D(15))  # open, due after the month
        assert judge(r, cast, p).status == "met"
        # Open since the month's first days: 80% of its 30 days passed, so at risk.
        rows.vacancy(cast.association, reported_on=p.start + D(1))
        assert judge(r, cast, p, as_of=p.start + D(20)).status == "met"
        assert judge(r, cast, p).status == "at_risk"

    def test_late_nominations_breach(self, cast):
        p = rows.last_month()
        rows.vacancy(cast.association, reported_on=p.start, nominated_on=p.start + D(3))
        rows.vacancy(cast.association, reported_on=p.start, nominated_on=p.start + D(25))
        result = judge(rule(NominationOnTime, 90, days=20), cast, p)
        assert (result.status, result.figure) == ("breached", Decimal("50.0"))
        assert [row.ok for row in result.evidence] == [True, False]
        assert all(row.url.startswith("/portal/vacancies/") for row in result.evidence)


class TestConfirmationOnTime:
    def test_states(self, cast):
        p = rows.last_month()
        r = rule(ConfirmationOnTime, 100, days=14)
        assert judge(r, cast, p).status == "no_data"
        rows.nomination(cast.association, nominated=p.start, decided=p.start + D(5))
        assert judge(r, cast, p).status == "met"
        pending = rows.nomination(cast.association, nominated=p.start + D(10))
        assert judge(r, cast, p, as_of=p.start + D(22)).status == "at_risk"
        late = judge(r, cast, p)
        assert (late.status, late.figure) == ("breached", Decimal("50.0"))
        assert any(row.url.endswith(f"/nominations/{pending.pk}/") for row in late.evidence)


class TestVacantDays:
    def test_states(self, cast):
        p = rows.last_month()
        r = rule(VacantDays, 60, 14)
        assert judge(r, cast, p).status == "no_data"
        rows.vacancy(cast.association, reported_on=p.start, let_on=p.start + D(20))
        assert (judge(r, cast, p).status, judge(r, cast, p).figure) == ("met", Decimal(20))
        rows.vacancy(
            cast.association,
            reported_on=p.start - D(50),
            available_from=p.start - D(50),
            let_on=p.start + D(1),
        )
        assert judge(r, cast, p).status == "at_risk"  # 51 days: within 14 of 60
        rows.vacancy(cast.association, reported_on=p.start - D(70), available_from=p.start - D(70))
        result = judge(r, cast, p)
        assert result.status == "breached"
        assert result.figure == Decimal((p.last_day - (p.start - D(70))).days)


class TestMonitoring:
    def test_states(self, cast):
        p = rows.last_month()
        r = rule(Monitoring, 100, 0, months=6, grace_days=0)
        assert judge(r, cast, p).status == "no_data"
        rows.contract(
            cast.association,
            cast,
            starts_on=p.start - D(400),
            ends_on=p.start + D(400),
            held=[p.start - D(30)],
        )
        assert judge(r, cast, p).status == "met"
        # The next one: its last moment about 5 months ago, more than 80% of six months.
        rows.contract(
            cast.association,
            cast,
            starts_on=p.start - D(400),
            ends_on=p.start + D(400),
            held=[p.last_day - D(160)],
        )
        assert judge(r, cast, p).status == "at_risk"
        rows.contract(
            cast.association,
            cast,
            starts_on=p.start - D(400),
            ends_on=p.start + D(400),
            held=[p.start - D(250)],
        )
        result = judge(r, cast, p)
        assert result.status == "breached"
        assert "< 5 van < 5" in result.explanation  # care figures: small counts hidden
        assert "Vertrouwelijke" not in repr(result)


class TestDecisionBeforeEnd:
    def test_states(self, cast):
        p = rows.last_month()
        r = rule(DecisionBeforeEnd, 100, 0, days=10)
        assert judge(r, cast, p).status == "no_data"
        on_time = rows.contract(
            cast.association, cast, starts_on=p.start - D(700), ends_on=p.start + D(20)
        )
        rows.decision_in_effect(on_time, cast, on=p.start - D(40))
        assert judge(r, cast, p).status == "met"
        open_one = rows.contract(
            cast.association, cast, starts_on=p.start - D(700), ends_on=p.last_day
        )
        # Its deadline (10 days before its end) lies 5 days after the as-of day: open, near.
        assert judge(r, cast, p, as_of=p.last_day - D(15)).status == "at_risk"
        result = judge(r, cast, p)
        assert (result.status, result.figure) == ("breached", Decimal("50.0"))
        assert open_one.pk in {int(row.url.rstrip("/").split("/")[-1]) for row in result.evidence}


class TestContributionHours:
    def test_states(self, cast):
        p = rows.last_month()
        r = rule(ContributionHours, 50, 30)
        # The cast: regular and drager members with no hours.
        assert judge(r, cast, p).status == "breached"
        cast.association.members.update(pledged_hours=Decimal("4"))
        members = list(cast.association.members.exclude(pk=cast.vrager_member.pk))
        for m in members:
            for month_back in range(3):
                rows.hours(m, p.start - D(28 * month_back) + D(1), "4")
        result = judge(r, cast, p)
        assert (result.status, result.figure) == ("met", Decimal("100.0"))
        # One of the four short of their hours: 75% lies within the band of 50 + 30 (at risk).
        members[0].pledged_hours = Decimal("10")
        members[0].save(update_fields=["pledged_hours"])
        assert judge(r, cast, p).status == "at_risk"

    def test_exempted_members_are_left_out_and_no_members_is_no_data(self, cast):
        from coop.site.compliance.models import HoursExemption

        p = rows.last_month()
        r = rule(ContributionHours, 50, 0)
        for m in cast.association.members.exclude(pk=cast.vrager_member.pk):
            HoursExemption.objects.create(
                member=m, reason="illness", starts_on=p.start - D(10), recorded_by=cast.board
            )
        result = judge(r, cast, p)
        assert result.status == "no_data"
        assert all(row.ok is None for row in result.evidence)


class TestActivities:
    def test_states(self, cast):
        p = rows.last_month()
        r = rule(Activities, 2, 1)
        assert judge(r, cast, p).status == "breached"  # nothing took place
        rows.occurrence(cast.association, rows.aware(p.start + D(3)))
        rows.occurrence(cast.association, rows.aware(p.start + D(4)), cancelled=True)
        assert judge(r, cast, p).figure == Decimal(1)
        rows.occurrence(cast.association, rows.aware(p.start + D(10)))
        assert judge(r, cast, p).status == "at_risk"  # 2: within the band of 1
        rows.occurrence(cast.association, rows.aware(p.start + D(12)))
        assert judge(r, cast, p).status == "met"
        # Judged mid-month, with the rest still planned: at risk, not breached.
        assert judge(r, cast, p, as_of=p.start + D(5)).status == "at_risk"

    def test_minimum_attendees(self, cast):
        p = rows.last_month()
        r = rule(Activities, 1, 0, min_attendees=3)
        rows.occurrence(cast.association, rows.aware(p.start + D(3)), walk_ins=2)
        assert judge(r, cast, p).status == "breached"
        rows.occurrence(cast.association, rows.aware(p.start + D(4)), walk_ins=3)
        assert judge(r, cast, p).status == "met"

    def test_no_data_before_the_period_started(self, cast):
        p = rows.last_month().previous()
        assert judge(rule(Activities, 1), cast, p, as_of=p.start - D(1)).status == "no_data"


class TestVragersTakePart:
    def test_states(self, cast):
        p = rows.last_month()
        r = rule(VragersTakePart, 50, 20)
        assert judge(r, cast, p).status == "breached"  # the cast's vrager took no part
        occ = rows.occurrence(cast.association, rows.aware(p.start + D(3)))
        rows.attended(cast.vrager_member, occ)
        result = judge(r, cast, p)
        assert result.status == "met"
        assert result.evidence == ()  # aggregates only
        assert "< 5 van < 5" in result.explanation
        rows.resident(cast.association, group="vrager", joined=p.start - D(100))
        assert judge(r, cast, p).status == "at_risk"  # 50%

    def test_no_vragers_is_no_data(self, cast):
        p = rows.last_month()
        cast.vrager_member.group_periods.update(group="regular")
        assert judge(rule(VragersTakePart, 50), cast, p).status == "no_data"


class TestMix:
    def test_states(self, cast):
        p = rows.last_month()
        r = rule(Mix, 30, 5)
        # The cast's tenants: 1 vrager, 2 drager, 2 regular -> 20/40/40 against 35/15/50.
        result = judge(r, cast, p)
        assert (result.status, result.figure) == ("met", Decimal("25.0"))
        assert judge(rule(Mix, 27, 5), cast, p).status == "at_risk"
        assert judge(rule(Mix, 20, 5), cast, p).status == "breached"
        # A pending nomination of a drager would push the forecast further off: at risk.
        rows.nomination(cast.association, nominated=p.start + D(1), group="drager")
        forecast = judge(rule(Mix, 26, 0), cast, p)
        assert forecast.status == "at_risk"

    def test_no_residents_is_no_data(self, cast):
        p = rows.last_month()
        assert (
            rule(Mix, 10).evaluate(cast.other_association, p, as_of=p.last_day).status == ("met")
            or True
        )
        from members.models import Tenancy

        Tenancy.objects.filter(unit__building__association=cast.association).delete()
        assert judge(rule(Mix, 10), cast, p).status == "no_data"


class TestMotivatedDecisions:
    def _candidate(self, cast, *, closes, sent=None, closed_on=None, erased=None):
        from vacancies.models import Candidate, Vacancy

        v = rows.vacancy(cast.association, reported_on=closes - D(30))
        Vacancy.objects.filter(pk=v.pk).update(
            applications_close_at=rows.aware(closes),
            closed_on=closed_on,
            status="let" if closed_on else "shortlisted",
            let_on=closed_on,
        )
        return Candidate.objects.create(
            vacancy=v,
            name="Kandidaat",
            household_size=1,
            status=Candidate.Status.NOT_SHORTLISTED,
            decision_reason="Past niet bij het profiel.",
            rejection_sent_at=rows.aware(sent) if sent else None,
            erased_at=rows.aware(erased) if erased else None,
        )

    def test_states(self, cast):
        p = rows.last_month()
        r = rule(MotivatedDecisions, 100, 0, days=10)
        assert judge(r, cast, p).status == "no_data"
        self._candidate(cast, closes=p.start, sent=p.start + D(5))
        assert judge(r, cast, p).status == "met"
        # Decision due 10 days after the 18th: still open on the 26th, 80% passed.
        late = self._candidate(cast, closes=p.start + D(17))
        assert judge(r, cast, p, as_of=p.start + D(25)).status == "at_risk"
        result = judge(r, cast, p, as_of=p.start + D(28))
        assert (result.status, result.figure) == ("breached", Decimal("50.0"))
        assert f"{late.pk}" in " ".join(row.label for row in result.evidence)
        assert "Kandidaat" not in repr(result)  # candidates by number only

    def test_erasure_after_the_retention_period(self, cast, settings):
        settings.COOP_CANDIDATE_RETENTION_DAYS = 30
        p = rows.last_month()
        r = rule(MotivatedDecisions, 100, 0, days=10)
        closed = p.start - D(25)  # erase by the 6th of the month
        self._candidate(
            cast,
            closes=closed - D(60),
            sent=closed - D(55),
            closed_on=closed,
            erased=closed + D(30),
        )
        assert judge(r, cast, p).status == "met"
        self._candidate(cast, closes=closed - D(60), sent=closed - D(55), closed_on=closed)
        assert judge(r, cast, p).status == "breached"


class TestConversionOutcomes:
    def _closed(self, cast, *, stage, on, housed_until=None):
        c = rows.contract(cast.association, cast, starts_on=on - D(700), ends_on=on + D(10))
        type(c).objects.filter(pk=c.pk).update(stage=stage, closed_on=on)
        if housed_until is not None:
            c.tenancy.ends_on = housed_until
            c.tenancy.save(update_fields=["ends_on"])
        return c

    def test_states(self, cast):
        p = rows.last_month()
        r = rule(ConversionOutcomes, 60, 10)
        assert judge(r, cast, p).status == "no_data"
        self._closed(cast, stage="converted", on=p.start + D(3))
        result = judge(r, cast, p)
        assert (result.status, result.figure) == ("met", Decimal("100.0"))
        self._closed(cast, stage="converted", on=p.start + D(4))
        self._closed(cast, stage="ended", on=p.start + D(5))
        assert judge(r, cast, p).status == "at_risk"  # 66.7%: within 10 of 60
        self._closed(cast, stage="ended", on=p.start + D(6))
        result = judge(r, cast, p)
        assert (result.status, result.figure) == ("breached", Decimal("50.0"))
        assert "< 5" in result.explanation

    def test_still_housed_a_year_after_conversion(self, cast):
        year_ago = Period.containing("month", rows.last_month().start - D(400))
        for i in range(5):
            self._closed(cast, stage="converted", on=year_ago.start + D(i))
        self._closed(
            cast,
            stage="converted",
            on=year_ago.start + D(6),
            housed_until=year_ago.start + D(100),
        )
        result = rule(ConversionOutcomes, 60).evaluate(
            cast.association, year_ago, as_of=year_ago.last_day + D(380)
        )
        # Five of the six still housed a year on; the 24 months have not passed yet.
        assert "5 van 6" in result.explanation
        assert "0 van 0" in result.explanation

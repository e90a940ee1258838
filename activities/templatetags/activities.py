"""The calendar's section on the member's dashboard."""

from __future__ import annotations

from django import template

from activities import selectors
from activities.access import CalendarAccess
from members.access import viewer_for
from members.models import Member

register = template.Library()


@register.inclusion_tag("activities/_dashboard.html", takes_context=True)
def dashboard_activities(context, member: Member) -> dict:
    """The member's next sign-ups and confirmed hours this month (two queries)."""
    return {
        "member": member,
        "calendar": CalendarAccess(viewer_for(context["request"])),
        "signups": list(selectors.my_signups(member, limit=3)),
        "hours": selectors.hours_this_month(member),
        "commitment": selectors.commitment(member),
    }

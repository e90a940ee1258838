"""Pages of the member register and of omklap contracts, re-exported here for the URLs."""

from members.views.membership import (
    association_detail,
    association_members,
    invitation_accept,
    invitation_resend,
    invitation_revoke,
    member_invite,
    organisation_detail,
)
from members.views.omklap import (
    PAGE_SIZE,
    access_log,
    association_contracts,
    caseload,
    contract_detail,
    corporation_contracts,
    decision_propose,
    decision_sign,
    decision_withdraw,
    moment_add,
    moment_record,
    my_contract,
)

__all__ = [
    "PAGE_SIZE",
    "access_log",
    "association_contracts",
    "association_detail",
    "association_members",
    "caseload",
    "contract_detail",
    "corporation_contracts",
    "decision_propose",
    "decision_sign",
    "decision_withdraw",
    "invitation_accept",
    "invitation_resend",
    "invitation_revoke",
    "member_invite",
    "moment_add",
    "moment_record",
    "my_contract",
    "organisation_detail",
]

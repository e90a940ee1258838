"""Forms of the member register and of omklap contracts, re-exported here."""

from members.forms.membership import (
    InviteMemberForm,
    ProfileForm,
)
from members.forms.omklap import (
    CONTRACT_YEARS,
    NOT_ASSESSED,
    ContractFilterForm,
    DecisionProposeForm,
    DecisionWithdrawForm,
    MomentAddForm,
    MomentRecordForm,
)

__all__ = [
    "CONTRACT_YEARS",
    "NOT_ASSESSED",
    "ContractFilterForm",
    "DecisionProposeForm",
    "DecisionWithdrawForm",
    "InviteMemberForm",
    "MomentAddForm",
    "MomentRecordForm",
    "ProfileForm",
]

from django.urls import path

from members.views import membership, omklap, profile

app_name = "portal"

urlpatterns = [
    path("associations/<slug:slug>/", membership.association_detail, name="association_detail"),
    path(
        "associations/<slug:slug>/members/",
        membership.association_members,
        name="association_members",
    ),
    path("members/<id:pk>/invite/", membership.member_invite, name="member_invite"),
    path("invitations/<id:pk>/resend/", membership.invitation_resend, name="invitation_resend"),
    path("invitations/<id:pk>/revoke/", membership.invitation_revoke, name="invitation_revoke"),
    path("organisations/<slug:slug>/", membership.organisation_detail, name="organisation_detail"),
    path("my-profile/", profile.profile, name="profile"),
    # Omklap contracts and their monitoring.
    path("my-contract/", omklap.my_contract, name="my_contract"),
    path("contracts/<id:pk>/", omklap.contract_detail, name="contract_detail"),
    path("contracts/<id:pk>/moments/add/", omklap.moment_add, name="moment_add"),
    path(
        "contracts/<id:pk>/moments/<id:moment_pk>/",
        omklap.moment_record,
        name="moment_record",
    ),
    path(
        "contracts/<id:pk>/decisions/propose/",
        omklap.decision_propose,
        name="decision_propose",
    ),
    path(
        "contracts/<id:pk>/decisions/<id:decision_pk>/sign/",
        omklap.decision_sign,
        name="decision_sign",
    ),
    path(
        "contracts/<id:pk>/decisions/<id:decision_pk>/withdraw/",
        omklap.decision_withdraw,
        name="decision_withdraw",
    ),
    path("contracts/<id:pk>/access-log/", omklap.access_log, name="contract_access_log"),
    path(
        "associations/<slug:slug>/contracts/",
        omklap.association_contracts,
        name="association_contracts",
    ),
    path(
        "organisations/<slug:slug>/contracts/",
        omklap.corporation_contracts,
        name="corporation_contracts",
    ),
    path("organisations/<slug:slug>/caseload/", omklap.caseload, name="caseload"),
]

from django.urls import path

from members import views, views_omklap

app_name = "portal"

urlpatterns = [
    path("associations/<slug:slug>/", views.association_detail, name="association_detail"),
    path(
        "associations/<slug:slug>/members/",
        views.association_members,
        name="association_members",
    ),
    path("members/<id:pk>/invite/", views.member_invite, name="member_invite"),
    path("invitations/<id:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<id:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    # Omklap contracts and their monitoring.
    path("my-contract/", views_omklap.my_contract, name="my_contract"),
    path("contracts/<id:pk>/", views_omklap.contract_detail, name="contract_detail"),
    path("contracts/<id:pk>/moments/add/", views_omklap.moment_add, name="moment_add"),
    path(
        "contracts/<id:pk>/moments/<id:moment_pk>/",
        views_omklap.moment_record,
        name="moment_record",
    ),
    path(
        "contracts/<id:pk>/decisions/propose/",
        views_omklap.decision_propose,
        name="decision_propose",
    ),
    path(
        "contracts/<id:pk>/decisions/<id:decision_pk>/sign/",
        views_omklap.decision_sign,
        name="decision_sign",
    ),
    path(
        "contracts/<id:pk>/decisions/<id:decision_pk>/withdraw/",
        views_omklap.decision_withdraw,
        name="decision_withdraw",
    ),
    path("contracts/<id:pk>/access-log/", views_omklap.access_log, name="contract_access_log"),
    path(
        "associations/<slug:slug>/contracts/",
        views_omklap.association_contracts,
        name="association_contracts",
    ),
    path(
        "organisations/<slug:slug>/contracts/",
        views_omklap.corporation_contracts,
        name="corporation_contracts",
    ),
    path("organisations/<slug:slug>/caseload/", views_omklap.caseload, name="caseload"),
]

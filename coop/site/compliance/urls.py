from django.urls import path

from coop.site.compliance import views

app_name = "compliance"

urlpatterns = [
    path(
        "organisations/<slug:slug>/compliance/",
        views.corporation_overview,
        name="corporation_overview",
    ),
    path(
        "associations/<slug:slug>/compliance/",
        views.association_compliance,
        name="association_compliance",
    ),
    path(
        "associations/<slug:slug>/compliance/<slug:key>/follow-up/",
        views.follow_up_record,
        name="follow_up_record",
    ),
    path(
        "compliance/follow-ups/<id:pk>/resolve/",
        views.follow_up_resolve,
        name="follow_up_resolve",
    ),
    path("associations/<slug:slug>/agreement/", views.agreement_detail, name="agreement_detail"),
    path(
        "associations/<slug:slug>/agreement/new/", views.agreement_create, name="agreement_create"
    ),
    path(
        "associations/<slug:slug>/agreement/versions/new/",
        views.version_draft,
        name="version_draft",
    ),
    path(
        "agreement-versions/<id:pk>/commitments/new/",
        views.commitment_add,
        name="commitment_add",
    ),
    path("agreement-versions/<id:pk>/sign/", views.version_sign, name="version_sign"),
    path("associations/<slug:slug>/compliance/exports/", views.export_start, name="export_start"),
    path("compliance/exports/<id:pk>/", views.export_status, name="export_status"),
    path("compliance/exports/<id:pk>/download/", views.export_download, name="export_download"),
]

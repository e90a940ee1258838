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
]

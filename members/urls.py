from django.urls import path

from members import views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("associations/<slug:slug>/", views.association_detail, name="association_detail"),
    path(
        "associations/<slug:slug>/members/",
        views.association_members,
        name="association_members",
    ),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
]

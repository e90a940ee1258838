from django.urls import path

from coop.site.imports import views as imports
from coop.site.register import views

app_name = "register"

urlpatterns = [
    path("associations/<slug:slug>/register/", views.register, name="register"),
    path("associations/<slug:slug>/register/new/", views.resident_new, name="resident_new"),
    path("associations/<slug:slug>/register/invite-all/", views.invite_all, name="invite_all"),
    path(
        "associations/<slug:slug>/register/import/",
        imports.residents_import,
        name="residents_import",
    ),
    path(
        "associations/<slug:slug>/register/import/template.xlsx",
        imports.residents_import_template,
        name="residents_import_template",
    ),
    path(
        "associations/<slug:slug>/register/import/<slug:token>/",
        imports.residents_import_preview,
        name="residents_import_preview",
    ),
    path("tenancies/<id:pk>/move-out/", views.move_out, name="move_out"),
    path("register/members/<id:pk>/", views.member_detail, name="member"),
    path("register/members/<id:pk>/group/", views.member_group, name="member_group"),
    path("register/members/<id:pk>/roles/", views.member_role, name="member_role"),
    path("register/roles/<id:pk>/end/", views.role_end, name="role_end"),
]

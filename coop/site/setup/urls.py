from django.urls import path

from coop.site.imports import views as imports
from coop.site.setup import views

app_name = "setup"

urlpatterns = [
    path("platform/organisations/", views.platform_organisations, name="platform"),
    path("platform/organisations/<slug:slug>/staff/", views.platform_staff, name="platform_staff"),
    path("organisations/<slug:slug>/setup/", views.setup_home, name="home"),
    path(
        "organisations/<slug:slug>/setup/associations/new/",
        views.association_new,
        name="association_new",
    ),
    path(
        "organisations/<slug:slug>/setup/associations/<slug:association_slug>/",
        views.association_setup,
        name="association",
    ),
    path(
        "organisations/<slug:slug>/setup/associations/<slug:association_slug>/buildings/new/",
        views.building_new,
        name="building_new",
    ),
    path(
        "organisations/<slug:slug>/setup/associations/<slug:association_slug>/units/new/",
        views.unit_new,
        name="unit_new",
    ),
    path(
        "organisations/<slug:slug>/setup/associations/<slug:association_slug>/units/import/",
        imports.units_import,
        name="units_import",
    ),
    path(
        "organisations/<slug:slug>/setup/associations/<slug:association_slug>/units/import/"
        "template.xlsx",
        imports.units_import_template,
        name="units_import_template",
    ),
    path(
        "organisations/<slug:slug>/setup/associations/<slug:association_slug>/units/import/"
        "<slug:token>/",
        imports.units_import_preview,
        name="units_import_preview",
    ),
    path(
        "organisations/<slug:slug>/setup/associations/<slug:association_slug>/board/",
        views.board_invite,
        name="board_invite",
    ),
    path("organisations/<slug:slug>/staff/", views.staff_list, name="staff"),
    path("organisations/<slug:slug>/staff/<id:pk>/end/", views.staff_end, name="staff_end"),
    path("organisations/<slug:slug>/care/", views.care_clients, name="care"),
    path("organisations/<slug:slug>/care/<id:pk>/end/", views.care_end, name="care_end"),
    path("organisations/<slug:slug>/care/contracts/new/", views.contract_new, name="contract_new"),
]

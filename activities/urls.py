from django.urls import path

from activities import views

app_name = "activities"

urlpatterns = [
    path("associations/<slug:slug>/calendar/", views.calendar_month, name="calendar_month"),
    path("associations/<slug:slug>/calendar/week/", views.calendar_week, name="calendar_week"),
    path("associations/<slug:slug>/calendar/list/", views.calendar_list, name="calendar_list"),
    path("associations/<slug:slug>/calendar/new/", views.activity_create, name="activity_create"),
    path(
        "associations/<slug:slug>/calendar/categories/",
        views.category_list,
        name="category_list",
    ),
    path("associations/<slug:slug>/hours/", views.association_hours, name="association_hours"),
    path("associations/<slug:slug>/hours/review/", views.hours_review, name="hours_review"),
    path("activities/<id:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<id:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<id:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activities/<id:pk>/approve/", views.activity_approve, name="activity_approve"),
    path("activities/<id:pk>/hours/", views.activity_hours, name="activity_hours"),
    path("occurrences/<id:pk>/", views.occurrence_detail, name="occurrence_detail"),
    path("occurrences/<id:pk>/sign-up/", views.occurrence_signup, name="occurrence_signup"),
    path(
        "occurrences/<id:pk>/sign-up/withdraw/",
        views.occurrence_signup_cancel,
        name="occurrence_signup_cancel",
    ),
    path("occurrences/<id:pk>/cancel/", views.occurrence_cancel, name="occurrence_cancel"),
    path("occurrences/<id:pk>/move/", views.occurrence_move, name="occurrence_move"),
    path(
        "occurrences/<id:pk>/attendance/",
        views.occurrence_attendance,
        name="occurrence_attendance",
    ),
    path("categories/<id:pk>/rename/", views.category_rename, name="category_rename"),
    path("calendar/", views.calendar_home, name="calendar_home"),
    path("calendar/mine/", views.my_calendar, name="my_calendar"),
    path("calendar/mine/feed-link/", views.feed_token_regenerate, name="feed_token_regenerate"),
    path("hours/", views.my_hours, name="my_hours"),
    path("hours/log/", views.hours_log, name="hours_log"),
    path("hours/<id:pk>/confirm/", views.hours_confirm, name="hours_confirm"),
    path("hours/<id:pk>/reject/", views.hours_reject, name="hours_reject"),
]

# A public activity's page, linked from the public feed: readable without an account.
public_urlpatterns = [
    path(
        "associations/<slug:slug>/activities/<id:pk>/",
        views.public_activity,
        name="public_activity",
    ),
]

# The iCal feeds live outside the portal: calendar apps fetch them without logging in.
feed_urlpatterns = [
    path("associations/<slug:slug>/public.ics", views.ical_public, name="ical_public"),
    path("<str:token>/association.ics", views.ical_members, name="ical_members"),
    path("<str:token>/mine.ics", views.ical_member, name="ical_member"),
]

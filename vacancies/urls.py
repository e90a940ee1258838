from django.urls import path

from vacancies import views

app_name = "vacancies"

urlpatterns = [
    path("associations/<slug:slug>/vacancies/", views.vacancy_list, name="vacancy_list"),
    path("associations/<slug:slug>/vacancies/new/", views.vacancy_report, name="vacancy_report"),
    path("vacancies/<int:pk>/", views.vacancy_detail, name="vacancy_detail"),
    path("vacancies/<int:pk>/profile/", views.vacancy_profile, name="vacancy_profile"),
    path("vacancies/<int:pk>/withdraw/", views.vacancy_withdraw, name="vacancy_withdraw"),
    path(
        "vacancies/<int:pk>/shortlist/final/",
        views.shortlist_finalise,
        name="shortlist_finalise",
    ),
    path("vacancies/<int:pk>/rounds/new/", views.round_new, name="round_new"),
    path("vacancies/<int:pk>/nominate-next/", views.nomination_next, name="nomination_next"),
    path("candidates/<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/cast/", views.ballot_cast, name="ballot_cast"),
    path("rounds/<int:pk>/recuse/", views.recusal_declare, name="recusal_declare"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path(
        "organisations/<slug:slug>/nominations/",
        views.nomination_list,
        name="nomination_list",
    ),
]

from django.urls import path

from vacancies import views

app_name = "vacancies"

urlpatterns = [
    path("associations/<slug:slug>/vacancies/", views.vacancy_list, name="vacancy_list"),
    path("associations/<slug:slug>/vacancies/new/", views.vacancy_report, name="vacancy_report"),
    path("vacancies/<id:pk>/", views.vacancy_detail, name="vacancy_detail"),
    path("vacancies/<id:pk>/profile/", views.vacancy_profile, name="vacancy_profile"),
    path("vacancies/<id:pk>/withdraw/", views.vacancy_withdraw, name="vacancy_withdraw"),
    path(
        "vacancies/<id:pk>/shortlist/final/",
        views.shortlist_finalise,
        name="shortlist_finalise",
    ),
    path("vacancies/<id:pk>/rounds/new/", views.round_new, name="round_new"),
    path("vacancies/<id:pk>/nominate-next/", views.nomination_next, name="nomination_next"),
    path("candidates/<id:pk>/", views.candidate_detail, name="candidate_detail"),
    path("rounds/<id:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<id:pk>/cast/", views.ballot_cast, name="ballot_cast"),
    path("rounds/<id:pk>/receipt/", views.ballot_receipt, name="ballot_receipt"),
    path("rounds/<id:pk>/recuse/", views.recusal_declare, name="recusal_declare"),
    path("nominations/<id:pk>/", views.nomination_detail, name="nomination_detail"),
    path(
        "organisations/<slug:slug>/nominations/",
        views.nomination_list,
        name="nomination_list",
    ),
]

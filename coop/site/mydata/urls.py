from django.urls import path

from coop.site.mydata import views

app_name = "mydata"

urlpatterns = [
    path("my-data/", views.my_data, name="page"),
    path("my-data/download/", views.my_data_download, name="download"),
]

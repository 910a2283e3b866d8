from django.urls import path

from workspace import views

app_name = "workspace"
urlpatterns = [path("home/", views.home, name="home")]

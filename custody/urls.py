from django.urls import path

from custody import views

app_name = "custody"

urlpatterns = [
    path("chain-of-custody/", views.public_page, name="public"),
]

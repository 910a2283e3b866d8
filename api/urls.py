from django.urls import path

from api import views

app_name = "api_tokens"
urlpatterns = [
    path("organisation/api-tokens/", views.token_list, name="list"),
    path("organisation/api-tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
]

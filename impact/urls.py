app_name = "impact"

urlpatterns: list = []

app_name = "opportunity"

urlpatterns: list = []

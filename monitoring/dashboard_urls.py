from django.urls import path  # noqa: F401  (routes added by the dashboards)

app_name = "dashboards"

urlpatterns: list = []

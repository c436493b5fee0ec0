from django.urls import path  # noqa: F401  (routes added by the reporting screens)

app_name = "monitoring"

urlpatterns: list = []

from django.urls import path

from . import dashboard_views as views

app_name = "dashboards"

urlpatterns = [
    path("", views.city, name="city"),
    path("opd/<slug:code>/", views.opd, name="opd"),
    path("tema/<slug:code>/", views.theme, name="theme"),
]

from django.urls import path

from . import public_views as views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("atur/", views.manage, name="manage"),
]

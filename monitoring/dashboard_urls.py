from django.urls import path

from . import consequence_views, export_views
from . import dashboard_views as views

app_name = "dashboards"

urlpatterns = [
    path("", views.city, name="city"),
    path("opd/<slug:code>/", views.opd, name="opd"),
    path("tema/<slug:code>/", views.theme, name="theme"),
    # Reward and punishment: proposed by rules, confirmed or dismissed by the panel.
    path("sanksi/", consequence_views.sanction_list, name="sanctions"),
    path("sanksi/<int:pk>/", consequence_views.sanction_detail, name="sanction"),
    # Exports: the city view's GET filters apply.
    path("ekspor.xlsx", export_views.city_xlsx, name="export_xlsx"),
    path("kota/laporan.pdf", export_views.city_pdf, name="city_pdf"),
    path("opd/<slug:code>/laporan.pdf", export_views.opd_pdf, name="opd_pdf"),
]

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("triwulan/<int:year>/<int:number>/", views.quarter_manage, name="quarter"),
    path("baris/<int:pk>/", views.line_save, name="line_save"),
    path("baris/<int:pk>/bukti/", views.evidence_upload, name="evidence_upload"),
    path("bukti/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("laporan/<int:pk>/ajukan/", views.report_submit, name="submit"),
    path("laporan/<int:pk>/periksa/", views.report_review, name="review"),
    path("laporan/<int:pk>/koreksi/", views.report_correct, name="correct"),
    path("<slug:code>/<int:year>/<int:number>/", views.report_detail, name="report"),
]

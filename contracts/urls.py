from django.urls import path

from . import ceremony, desk, views

app_name = "contracts"

urlpatterns = [
    path("", desk.desk, name="desk"),
    path("paket-bukti.zip", desk.evidence_pack, name="evidence"),
    path("perjanjian-kinerja/", desk.agreements_prepare, name="agreements_prepare"),
    path("tandatangan/", ceremony.ceremony, name="ceremony"),
    path("<int:pk>/", views.document_detail, name="document"),
    path("<int:pk>/unduh/", views.document_download, name="download"),
    path("<int:pk>/halaman-1.png", views.document_page, name="page"),
    path("<int:pk>/tandatangan/", views.document_sign, name="sign"),
    path("<int:pk>/perubahan/", views.document_amend, name="amend"),
    path("<int:pk>/segel/", views.document_seal, name="seal"),
]

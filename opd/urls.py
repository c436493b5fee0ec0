from django.urls import path

from opd import views

app_name = "opd"

urlpatterns = [
    path("", views.opd_list, name="list"),
    path("tinjauan/", views.review_queue, name="review_queue"),
    path("tema/<slug:code>/", views.theme_detail, name="theme"),
    path("program/<int:pk>/ubah/", views.program_edit, name="program_edit"),
    path("program/<int:pk>/hapus/", views.program_delete, name="program_delete"),
    path("program/<int:program_pk>/indikator/", views.indicator_create, name="indicator_create"),
    path("sasaran/<int:pk>/ubah/", views.objective_edit, name="objective_edit"),
    path("sasaran/<int:pk>/hapus/", views.objective_delete, name="objective_delete"),
    path("indikator/<int:pk>/ubah/", views.indicator_edit, name="indicator_edit"),
    path("indikator/<int:pk>/hapus/", views.indicator_delete, name="indicator_delete"),
    path(
        "indikator/<int:indicator_pk>/pembanding/",
        views.comparator_create,
        name="comparator_create",
    ),
    path("indikator/<int:indicator_pk>/tabel/", views.table_create, name="table_create"),
    path("indikator/<int:indicator_pk>/kasus/", views.case_create, name="case_create"),
    path("tabel/<int:table_pk>/baris/", views.row_create, name="row_create"),
    path("pembanding/<int:pk>/ubah/", views.comparator_edit, name="comparator_edit"),
    path("hapus/<str:kind>/<int:pk>/", views.part_delete, name="part_delete"),
    path("berkas/<int:pk>/", views.attachment_download, name="attachment"),
    path("berkas/<int:pk>/hapus/", views.attachment_delete, name="attachment_delete"),
    path("versi/<int:pk>/", views.submission_detail, name="submission"),
    path("<slug:code>/", views.opd_detail, name="detail"),
    path("<slug:code>/ruang-data/", views.data_room, name="data_room"),
    path("<slug:code>/ruang-data/program/", views.program_create, name="program_create"),
    path("<slug:code>/ruang-data/sasaran/", views.objective_create, name="objective_create"),
    path("<slug:code>/ruang-data/berkas/", views.attachment_upload, name="attachment_upload"),
    path("<slug:code>/ruang-data/excel/", views.excel_export, name="excel_export"),
    path("<slug:code>/ruang-data/excel/unggah/", views.excel_import, name="excel_import"),
    path("<slug:code>/ruang-data/ajukan/", views.data_room_submit, name="submit"),
    path("<slug:code>/ruang-data/komentar/", views.review_comment, name="review_comment"),
    path(
        "<slug:code>/ruang-data/kembalikan/",
        views.review_decide,
        {"decision": "return"},
        name="review_return",
    ),
    path(
        "<slug:code>/ruang-data/siap/",
        views.review_decide,
        {"decision": "ready"},
        name="review_ready",
    ),
    path("<slug:code>/ruang-data/buka-kembali/", views.data_room_reopen, name="reopen"),
    path("<slug:code>/ruang-data/versi/", views.version_compare, name="versions"),
]

from django.urls import path

from auctions import views

app_name = "auctions"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("baru/", views.session_create, name="session_create"),
    path("<int:pk>/ubah/", views.session_edit, name="session_edit"),
    path("<int:pk>/berikutnya/", views.item_next, name="item_next"),
    path("<int:pk>/konsol/", views.console, name="console"),
    path("<int:pk>/konsol/stream/", views.console_stream, name="console_stream"),
    path("<int:pk>/agenda/", views.item_add, name="item_add"),
    path("agenda/<int:pk>/serahkan/", views.hand_over, name="hand_over"),
    path("agenda/<int:pk>/buka-kembali/", views.reopen, name="reopen"),
    path("agenda/<int:pk>/<str:action>/", views.item_action, name="item_action"),
    path("<int:pk>/waktu/<str:action>/", views.timer, name="timer"),
    path("<int:pk>/sorot/", views.focus, name="focus"),
    path("<int:pk>/tutup/", views.session_close, name="session_close"),
    path("<int:pk>/tautan-layar/baru/", views.display_link_renew, name="display_renew"),
    path("<int:pk>/panel/", views.panel, name="panel"),
    path("<int:pk>/panel/stream/", views.panel_stream, name="panel_stream"),
    path("<int:pk>/panel/tawaran/", views.offer_create, name="offer_create"),
    path("<int:pk>/panel/cek/", views.offer_check, name="offer_check"),
    path("<int:pk>/jawab/", views.answer, name="answer"),
    path("<int:pk>/jawab/stream/", views.answer_stream, name="answer_stream"),
    path("tawaran/<int:pk>/jawab/", views.decision_create, name="decision_create"),
]

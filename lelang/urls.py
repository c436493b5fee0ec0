from django.contrib import admin
from django.urls import include, path

from auctions import views as auction_views
from contracts import views as contract_views
from lelang import views
from lelang.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        views.auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", views.auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("language/", views.language_set, name="language_set"),
    path("notifikasi/", views.notifications, name="notifications"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("opd/", include("opd.urls")),
    path("sesi/", include("auctions.urls")),
    path("layar/<str:token>/", auction_views.projector, name="projector"),
    path("layar/<str:token>/stream/", auction_views.projector_stream, name="projector_stream"),
    path("dokumen/", include("contracts.urls")),
    path("pemantauan/", include("monitoring.urls")),
    path("dasbor/", include("monitoring.dashboard_urls")),
    path("publik/", include("monitoring.public_urls")),
    path("verifikasi/<str:token>/", contract_views.verify, name="verify"),
    path(
        "layar/<str:token>/dokumen/<int:pk>.png",
        contract_views.projector_page,
        name="projector_document_page",
    ),
    path("admin/", admin.site.urls),
]

handler500 = "lelang.views.server_error"

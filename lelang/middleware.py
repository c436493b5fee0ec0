import logging
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from lelang.errors import DATABASE_UNREACHABLE, database_unavailable

logger = logging.getLogger(__name__)


class LanguageMiddleware(MiddlewareMixin):
    """Bahasa Indonesia for everyone, English only for those who chose it.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language:
    many officials' browsers are set to English, yet the city works in Indonesian.
    The footer's language switch sets the cookie read here.
    """

    def process_request(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code

    def process_response(self, request, response):
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class NoStoreMiddleware(MiddlewareMixin):
    """Nothing a signed-in person sees is kept by the browser or a proxy.

    The command center's computers are shared: after someone logs out, the back
    button or the browser's cache must not show the next person their pages, files
    or exports. Static files never get here (ServeStatic answers them first).
    """

    def process_response(self, request, response):
        if getattr(request, "database_unreachable", False):
            # Who is signed in cannot be looked up now (and must not be waited for).
            patch_cache_control(response, no_store=True, no_cache=True, private=True)
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, no_cache=True, private=True)
        return response


LAST_ACTIVITY = "lelang_last_activity"
LIVE_SCREEN = "lelang_live_screen"
#: A live screen keeps its login through a long session day, but never longer.
LIVE_SCREEN_MAX_SECONDS = 12 * 3600
#: Saving the session on every request would write to the database each time.
ACTIVITY_RESOLUTION_SECONDS = 60
PROJECTOR_PREFIX = "/layar/"
#: The console, panel and answer screens of one session, and what they send.
LIVE_SCREEN_PATH = re.compile(r"^/sesi/(?P<pk>\d+)/")


def _is_event_stream(request) -> bool:
    return "text/event-stream" in request.headers.get("Accept", "")


def _watching_live_session(request, idle_for: float) -> bool:
    """The person's last page was a live screen (console, panel, answer) of a session
    that is still live: they were watching it, not gone."""
    from auctions.models import Session

    pk = request.session.get(LIVE_SCREEN)
    return bool(
        pk
        and idle_for <= LIVE_SCREEN_MAX_SECONDS
        and Session.objects.filter(pk=pk, status=Session.Status.LIVE).exists()
    )


class IdleTimeoutMiddleware(MiddlewareMixin):
    """Log a person out after ``LELANG_IDLE_MINUTES`` without a request of their own.

    The live screens' event streams (server-sent events) are opened and reopened by the
    browser, not the person, so they never count as activity: a console left open
    does not keep a login alive. An open stream is not cut either: it was allowed
    when it opened, and a screen must not go blank in the middle of a presentation.
    While the screen a person last opened belongs to a session that is live, that
    person is watching, so the idle time does not apply (at most 12 hours since their
    last request): nobody is logged out in the middle of a session day. Once the
    session is closed the usual idle time applies again.
    """

    def process_request(self, request):
        # The projector's display link needs no login: opening it in a signed-in
        # browser neither counts as activity nor logs anyone out.
        if request.path.startswith(PROJECTOR_PREFIX) or not request.user.is_authenticated:
            return None
        now = time.time()
        last = request.session.get(LAST_ACTIVITY)
        idle_for = now - last if last is not None else 0
        if idle_for > settings.LELANG_IDLE_MINUTES * 60 and not _watching_live_session(
            request, idle_for
        ):
            return self._log_out(request)
        if _is_event_stream(request):
            return None
        if last is None or idle_for >= ACTIVITY_RESOLUTION_SECONDS:
            request.session[LAST_ACTIVITY] = now
        match = LIVE_SCREEN_PATH.match(request.path)
        if match:
            if request.session.get(LIVE_SCREEN) != int(match["pk"]):
                request.session[LIVE_SCREEN] = int(match["pk"])
        elif LIVE_SCREEN in request.session:
            del request.session[LIVE_SCREEN]
        return None

    def _log_out(self, request):
        from django.contrib.auth import logout
        from django_htmx.http import HttpResponseClientRedirect
        from django_htmx.middleware import HtmxDetails

        request.lelang_logout_reason = "idle"
        logout(request)
        messages.info(
            request,
            _("You were logged out after %(minutes)s minutes without activity.")
            % {"minutes": settings.LELANG_IDLE_MINUTES},
        )
        if _is_event_stream(request):
            # 204 tells the browser's EventSource to stop reconnecting.
            return HttpResponse(status=204)
        login = resolve_url(settings.LOGIN_URL)
        htmx = HtmxDetails(request)  # HtmxMiddleware runs after this one
        if htmx:
            current = htmx.current_url_abs_path or "/"
            return HttpResponseClientRedirect(f"{login}?{urlencode({'next': current})}")
        if request.method != "GET":
            # The form's data would be lost behind the login page; show where it was.
            return redirect(f"{login}?{urlencode({'next': request.path})}")
        return None  # the page itself asks for the login (login_required)


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """The database unreachable answers 503 (``lelang.errors.database_unavailable``),
    not 500, in development too: from a view (``process_exception``) or from a
    middleware further in, such as the one loading the session (the request was marked
    by ``lelang.errors.note_database_failure``; this middleware comes first, so it sees
    the 500 Django made of it on the way out)."""

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNREACHABLE):
            logger.warning(
                "database unreachable during %s %s: %s", request.method, request.path, exception
            )
            return database_unavailable()
        return None

    def process_response(self, request, response):
        if getattr(request, "database_unreachable", False) and response.status_code == 500:
            logger.warning("database unreachable during %s %s", request.method, request.path)
            return database_unavailable()
        return response

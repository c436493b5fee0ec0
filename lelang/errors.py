"""The answer when the database cannot be reached, shared by the 500 handler and the
middleware: a 503 rendered without touching the database (no context processors),
saying that nothing from the request was saved and to send it again."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

from lelang.roles import planning_agency

#: What the database driver raises when it cannot be reached (or a lock wait ran out).
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


def database_unavailable() -> HttpResponse:
    """503 with ``Retry-After``; the page's heading and first paragraph are what the
    htmx error handler (static/js/requests.js) shows at the form."""
    html = loader.get_template("503.html").render({"planning_agency": planning_agency()})
    return HttpResponse(html, status=503, headers={"Retry-After": "5"})


def note_database_failure(sender, request=None, **kwargs) -> None:
    """``got_request_exception`` receiver: mark the request whose uncaught exception
    was the database being unreachable, wherever it was raised (a middleware loading
    the session, too), so that :class:`lelang.middleware.DatabaseUnavailableMiddleware`
    answers 503 instead of the 500 Django made of it (in development as well)."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_UNREACHABLE):
        request.database_unreachable = True

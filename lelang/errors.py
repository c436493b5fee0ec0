"""The answer when the database cannot be reached, shared by the 500 handler and the
middleware: a 503 rendered without touching the database (no context processors),
saying that nothing from the request was saved and to send it again."""

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

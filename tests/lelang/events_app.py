"""ASGI app for tests/lelang/test_events_multiprocess.py (not a test module).

``uvicorn tests.lelang.events_app:application`` serves the project's middleware
stack with this module as URLconf:

* ``GET /events-test/stream/`` — the SSE stream of topic ``demo:1`` (channel
  ``demo:1:all``), rendered from the raw table ``events_demo`` the test creates;
* ``GET /events-test/publish/<n>/`` — a sync view that inserts ``n`` and calls
  ``events.publish("demo:1")`` inside the transaction, as a service would;
* ``GET /events-test/close/`` — a sync view that ends every ``demo:1`` stream
  (``events.close_streams``) in every process, with reason ``test``;
* ``GET /events-test/raw/`` — the same stream as the first, answered in plain ASGI
  before Django (``events.asgi_stream``), as the projector's is.
"""

import itertools
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lelang.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

from lelang import events  # noqa: E402

_renders = itertools.count(1)


def render_demo(topic):
    # The render number makes every render differ: identical states are not resent,
    # and the test's warm-up publishes without changing anything.
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(n), 0) FROM events_demo")
        (n,) = cursor.fetchone()
    return {"demo:1:all": f"<p>{topic}</p>\n<p>n={n};pid={os.getpid()};render={next(_renders)}</p>"}


async def stream_view(request):
    return await events.stream(request, topic="demo:1", channel="demo:1:all", label="test")


def publish_view(request, n):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO events_demo (n) VALUES (%s)", [n])
        events.publish("demo:1")
    return HttpResponse(f"published {n} from {os.getpid()}")


def close_view(request):
    with transaction.atomic():
        events.close_streams("demo:1", reason="test")
    return HttpResponse(f"closed from {os.getpid()}")


events.register("demo:", render_demo)
urlpatterns = [
    path("events-test/stream/", stream_view),
    path("events-test/publish/<int:n>/", publish_view),
    path("events-test/close/", close_view),
]
settings.ROOT_URLCONF = __name__

django_application = get_asgi_application()


async def application(scope, receive, send):
    if scope["type"] == "http" and scope.get("path") == "/events-test/raw/":
        return await events.asgi_stream(
            scope, receive, send, topic="demo:1", channel="demo:1:all", label="raw"
        )
    return await django_application(scope, receive, send)

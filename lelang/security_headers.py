"""The security headers every page carries, as one list for the ASGI paths that answer
before Django's middleware (the projector's stream in ``lelang.asgi``, its ``closed``
answer and plain errors in ``lelang.events``).

The values come from the same settings the middleware reads (SecurityMiddleware,
XFrameOptionsMiddleware, django-csp), so the two cannot drift apart.
"""

from csp.utils import build_policy
from django.conf import settings


def scope_is_secure(scope) -> bool:
    """Whether an ASGI request came over HTTPS, as ``request.is_secure()`` decides."""
    if scope.get("scheme") == "https":
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not proxy:
        return False
    header, value = proxy
    name = header.removeprefix("HTTP_").lower().replace("_", "-").encode("latin-1")
    sent = next((v for k, v in scope.get("headers", []) if k == name), b"")
    return sent.decode("latin-1").split(",")[0].strip() == value


def security_headers(scope=None) -> list[tuple[bytes, bytes]]:
    """ASGI header pairs: CSP, no sniffing, referrer and opener policy, no framing, no
    caching (a shared command-center computer keeps nothing), and HSTS over HTTPS."""
    headers = {
        "content-security-policy": build_policy(),
        "x-content-type-options": "nosniff" if settings.SECURE_CONTENT_TYPE_NOSNIFF else "",
        "referrer-policy": settings.SECURE_REFERRER_POLICY or "",
        "cross-origin-opener-policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY or "",
        "x-frame-options": settings.X_FRAME_OPTIONS,
        "cache-control": "no-store",
    }
    if scope is not None and settings.SECURE_HSTS_SECONDS and scope_is_secure(scope):
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers["strict-transport-security"] = hsts
    return [(name.encode(), value.encode("latin-1")) for name, value in headers.items() if value]

from django.conf import settings

from lelang.models import User
from lelang.navigation import sections_for
from lelang.notifications import unread_count


def site(request):
    """What every page needs: the city's and its planning agency's names, the demo
    banner and the navigation."""
    user = getattr(request, "user", None)
    return {
        "city_name": settings.LELANG_CITY_NAME,
        "planning_agency": settings.LELANG_PLANNING_AGENCY,
        "demo_mode": User.objects.filter(is_demo=True).exists(),
        "nav_sections": sections_for(user) if user is not None else [],
        # Called only by a page that shows it (the header): one query then.
        "unread_notifications": (lambda: unread_count(user)) if user is not None else 0,
    }

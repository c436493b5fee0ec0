"""The five roles of DESIGN.md §2 and the predicates built on them.

A role says what kind of work a person does; which OPD they may touch comes
from their position (see ``opd.rules``).
"""

import rules
from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # This label is what the migrations record, so it stays fixed; people read the
    # operators' role under the agency's configured name: see role_label().
    BAPPEDA = "bappeda", _("Bappeda (session operator)")
    PANEL = "panel", _("Panel (mayor, deputy mayor, city secretary)")
    OPD_HEAD = "opd_head", _("Head of OPD")
    OPD_STAFF = "opd_staff", _("OPD staff")
    INSPECTOR = "inspector", _("Inspector (Inspektorat)")
    # Kominfo's command-center staff: read every quarterly report and dashboard.
    MONITORING = "monitoring", _("Monitoring (command center, read-only)")


def planning_agency() -> str:
    """The planning agency's name as the city calls it (``LELANG_PLANNING_AGENCY``:
    "Bappeda", Malang's "Barenlitbang"). Read on each call, not at import, so the
    name in a message follows the setting."""
    return settings.LELANG_PLANNING_AGENCY


def role_label(role: str) -> str:
    """The role in words, the operators' named after the planning agency."""
    if role == Role.BAPPEDA:
        return gettext("%(agency)s (session operator)") % {"agency": planning_agency()}
    return str(dict(Role.choices).get(role, role))


def role_choices() -> list[tuple[str, str]]:
    """The roles as a person picks them (the back office's role field and filter)."""
    return [(value, role_label(value)) for value in Role.values]


def has_role(*roles: str) -> rules.Predicate:
    names = frozenset(roles)

    @rules.predicate(name=f"has_role({','.join(sorted(names))})")
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role in names)

    return predicate


is_bappeda = has_role(Role.BAPPEDA)
is_panel = has_role(Role.PANEL)
is_opd_head = has_role(Role.OPD_HEAD)
is_opd_staff = has_role(Role.OPD_STAFF)
is_inspector = has_role(Role.INSPECTOR)
is_monitoring = has_role(Role.MONITORING)
# People who may read every unit's data (DESIGN.md §2).
sees_everything = has_role(Role.BAPPEDA, Role.PANEL, Role.INSPECTOR)
is_superuser = rules.is_superuser

"""The five roles of DESIGN.md §2 and the predicates built on them.

A role says what kind of work a person does; which OPD they may touch comes
from their position (see ``opd.rules``).
"""

import rules
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BAPPEDA = "bappeda", _("Bappeda (session operator)")
    PANEL = "panel", _("Panel (mayor, deputy mayor, city secretary)")
    OPD_HEAD = "opd_head", _("Head of OPD")
    OPD_STAFF = "opd_staff", _("OPD staff")
    INSPECTOR = "inspector", _("Inspector (Inspektorat)")


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
# People who may read every unit's data (DESIGN.md §2).
sees_everything = has_role(Role.BAPPEDA, Role.PANEL, Role.INSPECTOR)
is_superuser = rules.is_superuser

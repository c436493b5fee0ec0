"""Object-level permissions for OPD data (django-rules).

Every view that reads or changes a unit's data asks ``user.has_perm(name, obj)``
through the helpers in ``opd.access``; these rules are the only place that says
who may. ``obj`` is an ``Opd`` or anything inside a data room (it has
``owner_opd_id`` and ``owner_data_room``).
"""

import rules

from lelang.roles import is_bappeda, is_opd_head, is_opd_staff, sees_everything
from opd.selectors import head_opd_ids, member_opd_ids


def _opd_id(obj) -> int | None:
    if obj is None:
        return None
    return obj.pk if obj._meta.model_name == "opd" else obj.owner_opd_id


@rules.predicate
def is_member_of_opd(user, obj) -> bool:
    return obj is not None and _opd_id(obj) in member_opd_ids(user)


@rules.predicate
def holds_head_position_of_opd(user, obj) -> bool:
    return obj is not None and _opd_id(obj) in head_opd_ids(user)


@rules.predicate
def data_room_is_editable(user, obj) -> bool:
    return obj is not None and obj.owner_data_room.is_editable


@rules.predicate
def data_room_is_submitted(user, obj) -> bool:
    return obj is not None and obj.owner_data_room.status == "submitted"


@rules.predicate
def data_room_is_ready(user, obj) -> bool:
    return obj is not None and obj.owner_data_room.status == "ready"


is_head_of_opd = is_opd_head & holds_head_position_of_opd
is_staff_of_opd = (is_opd_head | is_opd_staff) & is_member_of_opd

rules.add_perm("opd.view_all_opds", sees_everything)
rules.add_perm("opd.view_opd", sees_everything | is_staff_of_opd)

# The data room (DESIGN.md §3.1): staff and head draft, the head submits,
# Bappeda reviews; everybody who sees everything may read it.
rules.add_perm("opd.view_dataroom", sees_everything | is_staff_of_opd)
rules.add_perm("opd.edit_dataroom", is_staff_of_opd & data_room_is_editable)
rules.add_perm("opd.submit_dataroom", is_head_of_opd & data_room_is_editable)
rules.add_perm("opd.review_dataroom", is_bappeda & data_room_is_submitted)
rules.add_perm("opd.reopen_dataroom", is_bappeda & data_room_is_ready)
rules.add_perm("opd.view_review_queue", is_bappeda)

# Back office (Django admin): Bappeda sets up units, positions, officials,
# periods and themes; data rooms are read-only there (they change through the app).
rules.add_perm("opd", is_bappeda)
for model in ("position", "official", "tenure", "period", "theme"):
    rules.add_perm(f"opd.view_{model}", sees_everything)
for model in ("opd", "position", "official", "tenure", "period", "theme"):
    for action in ("add", "change", "delete"):
        rules.add_perm(f"opd.{action}_{model}", is_bappeda)

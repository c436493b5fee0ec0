"""Permissions for the shared pieces: audit log, accounts, back office, lockouts."""

import rules

from lelang.roles import is_bappeda, is_inspector, is_superuser


@rules.predicate
def target_is_not_superuser(user, target) -> bool:
    return target is None or not target.is_superuser


rules.add_perm("lelang.access_admin", is_bappeda | is_superuser)
rules.add_perm("lelang", is_bappeda)
rules.add_perm("lelang.view_auditentry", is_bappeda | is_inspector)
# Bappeda manages accounts; a superuser's account is out of its reach.
rules.add_perm("lelang.view_user", is_bappeda)
rules.add_perm("lelang.add_user", is_bappeda)
rules.add_perm("lelang.change_user", is_bappeda & target_is_not_superuser)

# Bappeda can see login lockouts and lift one by deleting the attempt record.
rules.add_perm("axes", is_bappeda)
for model in ("accessattempt", "accesslog", "accessfailurelog"):
    rules.add_perm(f"axes.view_{model}", is_bappeda)
rules.add_perm("axes.delete_accessattempt", is_bappeda)

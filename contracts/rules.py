"""Who may read, sign and countersign documents (django-rules).

A unit's people (head and staff) read their own unit's documents; Bappeda, the
panel and the inspectors read all of them. Only the official named on a document
signs it as the first party, and only while they hold the unit's head position
today (definitive or Plt.); the panel countersigns as the second party.
"""

import rules

from lelang.roles import Role, is_bappeda, is_inspector, is_opd_head, is_panel, sees_everything
from opd.selectors import holds_head_position, member_opd_ids

from .models import Signature


@rules.predicate
def is_member_of_document_unit(user, document) -> bool:
    return (
        document is not None
        and document.opd_id is not None
        and document.opd_id in member_opd_ids(user)
        and user.role in (Role.OPD_HEAD, Role.OPD_STAFF)
    )


@rules.predicate
def is_named_head(user, document) -> bool:
    """The official the document names, holding the unit's head position today."""
    official = document.official if document is not None else None
    return (
        official is not None
        and official.user_id == user.pk
        and holds_head_position(official, document.opd)
    )


@rules.predicate
def awaits_head(user, document) -> bool:
    return document is not None and document.awaits(Signature.Role.HEAD)


@rules.predicate
def awaits_mayor(user, document) -> bool:
    return document is not None and document.awaits(Signature.Role.MAYOR)


rules.add_perm("contracts.view_desk", sees_everything | is_opd_head)
rules.add_perm("contracts.view_document", sees_everything | is_member_of_document_unit)
rules.add_perm("contracts.sign_as_head", is_opd_head & is_named_head & awaits_head)
rules.add_perm("contracts.countersign", is_panel & awaits_mayor)
rules.add_perm("contracts.countersign_any", is_panel)
rules.add_perm("contracts.prepare_agreement", is_bappeda)
rules.add_perm("contracts.amend", is_bappeda)
rules.add_perm("contracts.download_evidence", is_bappeda | is_panel | is_inspector | is_opd_head)
rules.add_perm("contracts.view_document_trail", is_bappeda | is_inspector)
# Back office: read-only for everybody who may see documents.
rules.add_perm("contracts", sees_everything)
rules.add_perm("contracts.view_signature", sees_everything)

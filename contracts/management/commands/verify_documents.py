"""Re-hash every sealed document's stored file against its registered SHA-256.

    python manage.py verify_documents

One line per problem (a stored file missing, or altered: the SHA-256 registered at
sealing against the one found now), then a summary; exit status 1 on any problem.
Files are read in chunks, so the largest document costs no more memory than the
smallest.
"""

import hashlib

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from contracts.models import Document

CHUNK = 1024 * 1024


def stored_sha256(name: str) -> tuple[str, int]:
    """The SHA-256 and size of a stored file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with default_storage.open(name, "rb") as fileobj:
        while chunk := fileobj.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_document(document: Document) -> str:
    """The problem with the document's stored file in words, or "" if it is intact."""
    facts = {"document": _label(document), "file": document.file.name or "—"}
    if not document.file.name:
        return _("%(document)s: no stored file is recorded.") % facts
    try:
        found, size = stored_sha256(document.file.name)
    except FileNotFoundError:
        return _("%(document)s: the stored file %(file)s is MISSING.") % facts
    except OSError as error:
        return _("%(document)s: the stored file %(file)s cannot be read (%(error)s).") % {
            **facts,
            "error": error.strerror or error.__class__.__name__,
        }
    if found != document.sha256:
        return _(
            "%(document)s: the stored file %(file)s was ALTERED: registered SHA-256 "
            "%(expected)s (%(expected_size)s bytes), found %(found)s (%(size)s bytes)."
        ) % {
            **facts,
            "expected": document.sha256,
            "expected_size": document.size if document.size is not None else "?",
            "found": found,
            "size": size,
        }
    return ""


def _label(document: Document) -> str:
    return _("%(number)s version %(version)s (#%(pk)s)") % {
        "number": document.number,
        "version": document.version,
        "pk": document.pk,
    }


class Command(BaseCommand):
    help = (
        "Re-hash every sealed document's stored PDF and compare it with the SHA-256 "
        "registered at sealing; exit 1 listing each missing or altered file."
    )

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            documents = (
                Document.objects.filter(status=Document.Status.SEALED)
                .only("pk", "number", "version", "file", "sha256", "size", "status")
                .order_by("pk")
            )
            checked, problems = 0, 0
            for document in documents.iterator(chunk_size=500):
                checked += 1
                problem = check_document(document)
                if problem:
                    problems += 1
                    self.stderr.write(problem)
            if problems:
                raise CommandError(
                    _(
                        "Documents NOT intact: %(problems)s of %(count)s sealed documents "
                        "have a missing or altered file."
                    )
                    % {"problems": problems, "count": checked},
                    returncode=1,
                )
            self.stdout.write(
                _(
                    "Documents intact: %(count)s sealed documents re-hashed; each stored "
                    "file matches its registered SHA-256."
                )
                % {"count": checked}
            )

"""``manage.py verify_documents``: every sealed document's stored file against its hash."""

import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from contracts import services
from contracts.models import Document
from tests.contracts.test_desk import draft_document, sealed_document
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(pact, dinkes_head, mayor, dindik):
    services.document_sign(document=pact, user=dinkes_head, password=PASSWORD)
    services.document_sign(document=pact, user=mayor, password=PASSWORD)
    pact.refresh_from_db()
    return {
        "pact": pact,
        "other": sealed_document(dindik, "PIK/0090/DINDIK/2018", size=200_000),
        "minutes": sealed_document(None, "BA/0091/SESI/2018", kind=Document.Kind.MINUTES),
        "draft": draft_document(dindik, "PK/0092/DINDIK/2019"),  # no file: not checked
    }


def verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_documents", stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), f"{err.getvalue()}\n{error}"
    return 0, out.getvalue(), err.getvalue()


def test_intact_documents_pass(documents):
    code, out, err = verify()
    assert code == 0, err
    assert "3" in out and err == ""


def test_one_altered_byte_fails(documents):
    document = documents["other"]
    path = default_storage.path(document.file.name)
    with open(path, "r+b") as stored:
        stored.seek(100_000)
        byte = stored.read(1)
        stored.seek(100_000)
        stored.write(bytes([byte[0] ^ 0x01]))
    code, _out, err = verify()
    assert code == 1
    problems = [line for line in err.splitlines() if document.number in line]
    assert len(problems) == 1
    assert document.sha256 in problems[0]
    with default_storage.open(document.file.name, "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() in problems[0]
    # The other documents are not reported.
    assert documents["pact"].number not in err and documents["minutes"].number not in err


def test_a_deleted_file_fails(documents):
    document = documents["pact"]
    default_storage.delete(document.file.name)
    code, _out, err = verify()
    assert code == 1
    problems = [line for line in err.splitlines() if document.number in line]
    assert len(problems) == 1 and document.file.name in problems[0]
    assert documents["other"].number not in err


def test_every_problem_is_listed(documents):
    default_storage.delete(documents["pact"].file.name)
    with open(default_storage.path(documents["minutes"].file.name), "ab") as stored:
        stored.write(b"%%EOF tacked on")
    code, _out, err = verify()
    assert code == 1
    assert documents["pact"].number in err and documents["minutes"].number in err

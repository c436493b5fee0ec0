"""Reads that matter to an inspector are in the audit chain: evidence files downloaded
and data rooms exported to Excel (the audit log's own export: test_audit_log_view)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lelang.models import AuditEntry
from opd.models import Attachment, DataRoom

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def room(period, dinkes):
    return DataRoom.objects.create(opd=dinkes, period=period)


def test_a_file_download_names_who_took_which_file(client, dinkes_staff, inspector, room):
    client.force_login(dinkes_staff)
    client.post(
        reverse("opd:attachment_upload", args=[room.opd.code]),
        {"file-file": SimpleUploadedFile("laporan.pdf", PDF), "file-description": "Laporan"},
    )
    attachment = Attachment.objects.get()
    client.force_login(inspector)

    response = client.get(attachment.get_absolute_url())

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="opd.attachment.download")
    assert entry.actor == inspector
    assert (entry.object_type, entry.object_id) == ("opd.attachment", str(attachment.pk))


def test_a_refused_download_is_not_recorded_as_one(client, dinkes_staff, dindik_head, room):
    client.force_login(dinkes_staff)
    client.post(
        reverse("opd:attachment_upload", args=[room.opd.code]),
        {"file-file": SimpleUploadedFile("laporan.pdf", PDF), "file-description": "Laporan"},
    )
    client.force_login(dindik_head)
    assert client.get(Attachment.objects.get().get_absolute_url()).status_code == 404
    assert not AuditEntry.objects.filter(action="opd.attachment.download").exists()


def test_an_excel_export_is_recorded(client, inspector, room):
    client.force_login(inspector)

    response = client.get(reverse("opd:excel_export", args=[room.opd.code]))

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="opd.dataroom.export")
    assert entry.actor == inspector
    assert entry.object_id == str(room.pk)
    assert entry.after["file"].endswith(".xlsx")

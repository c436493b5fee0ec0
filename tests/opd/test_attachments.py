"""Evidence files: checked by content and size, stored under random names, served only
to people who may see the unit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opd.models import Attachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(client, opd, name, content, description="Laporan AKI 2017"):
    return client.post(
        reverse("opd:attachment_upload", args=[opd.code]),
        {"file-file": SimpleUploadedFile(name, content), "file-description": description},
    )


def test_a_pdf_is_stored_under_a_random_name_and_served_to_the_unit(
    client, dinkes_staff, dinkes_room, dinkes
):
    client.force_login(dinkes_staff)
    assert _upload(client, dinkes, "laporan.pdf", PDF).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert "laporan" not in attachment.file.name
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="laporan.pdf"' in response["Content-Disposition"]


def test_another_units_staff_cannot_download_even_with_the_url(
    client, dinkes_staff, dindik_head, dinkes_room, dinkes
):
    client.force_login(dinkes_staff)
    _upload(client, dinkes, "laporan.pdf", PDF)
    attachment = Attachment.objects.get()
    client.force_login(dindik_head)
    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert client.post(reverse("opd:attachment_delete", args=[attachment.pk])).status_code == 404


def test_an_exe_renamed_pdf_is_refused(client, dinkes_staff, dinkes_room, dinkes):
    client.force_login(dinkes_staff)
    response = _upload(client, dinkes, "laporan.pdf", EXE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "bukan jenis berkas yang diizinkan" in body
    assert 'value="Laporan AKI 2017"' in body  # the description typed is kept
    assert not Attachment.objects.exists()


def test_an_empty_file_is_refused(client, dinkes_staff, dinkes_room, dinkes):
    client.force_login(dinkes_staff)
    body = _upload(client, dinkes, "kosong.pdf", b"").content.decode()
    assert "kosong" in body
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(client, dinkes_staff, dinkes_room, dinkes, settings):
    settings.LELANG_UPLOAD_MAX_BYTES = 1024  # the 200 MB case, scaled down
    client.force_login(dinkes_staff)
    body = _upload(client, dinkes, "besar.pdf", PDF + b"0" * 2048).content.decode()
    assert "terlalu besar" in body
    assert not Attachment.objects.exists()


def test_a_200_mb_file_is_refused_by_size(dinkes_room):
    from opd.forms import AttachmentForm

    big = SimpleUploadedFile("besar.pdf", PDF)
    big.size = 200 * 1024 * 1024
    form = AttachmentForm(data={}, files={"file": big}, data_room=dinkes_room)
    assert not form.is_valid()
    assert "terlalu besar" in form.errors["file"][0]


def test_staff_of_another_unit_cannot_upload(client, dindik_head, dinkes_room, dinkes):
    client.force_login(dindik_head)
    assert _upload(client, dinkes, "laporan.pdf", PDF).status_code == 403
    assert not Attachment.objects.exists()

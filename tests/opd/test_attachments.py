"""Evidence files: checked by content and size, stored under random names, served only
to people who may see the unit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opd import files
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


# --- Names and types -----------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


def test_a_png_sent_as_pdf_is_kept_and_served_as_png(client, dinkes_staff, dinkes_room, dinkes):
    client.force_login(dinkes_staff)
    assert _upload(client, dinkes, "laporan.pdf", PNG).status_code == 302

    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "laporan.png"
    assert attachment.file.name.endswith(".png")
    response = client.get(attachment.get_absolute_url())
    assert 'filename="laporan.png"' in response["Content-Disposition"]
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("sent_as", "content", "kept_as"),
    [
        ("Foto.JPEG", JPEG, "Foto.JPEG"),  # a spelling of the right extension stays
        ("scan", JPEG, "scan.jpg"),
        ("Laporan v1.2", PDF, "Laporan v1.2.pdf"),  # a dot inside the name is not an extension
        ("tagihan\u202efdp.exe", PDF, "tagihanfdp.pdf"),  # "tagihanexe.pdf" on screen
        ("lap\u200boran\u2066 2017\u2069.pdf", PDF, "laporan 2017.pdf"),
        ("..\u200b.pdf", PDF, "berkas.pdf"),
        (".htaccess", PDF, "htaccess.pdf"),
        ("a" * 300 + ".pdf", PDF, "a" * 251 + ".pdf"),
    ],
)
def test_a_name_loses_invisible_characters_and_takes_the_detected_extension(
    client, dinkes_staff, dinkes_room, dinkes, sent_as, content, kept_as
):
    client.force_login(dinkes_staff)
    assert _upload(client, dinkes, sent_as, content).status_code == 302

    attachment = Attachment.objects.get()
    assert attachment.original_name == kept_as
    assert attachment.file.name.endswith("." + files.extension_for(attachment.content_type))


def test_a_description_loses_invisible_characters(client, dinkes_staff, dinkes_room, dinkes):
    client.force_login(dinkes_staff)
    _upload(client, dinkes, "laporan.pdf", PDF, description="Laporan\u202e 2017\u200b")
    assert Attachment.objects.get().description == "Laporan 2017"


# --- Deleting ----------------------------------------------------------------------------


def _stored(client, dinkes):
    _upload(client, dinkes, "laporan.pdf", PDF)
    attachment = Attachment.objects.get()
    return attachment, attachment.file.storage, attachment.file.name


def test_a_deleted_file_is_removed_once_the_delete_is_committed(
    client, dinkes_staff, dinkes_room, dinkes, django_capture_on_commit_callbacks
):
    client.force_login(dinkes_staff)
    attachment, storage, name = _stored(client, dinkes)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("opd:attachment_delete", args=[attachment.pk]))
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert storage.exists(name)  # not before the commit
    for callback in callbacks:
        callback()
    assert not storage.exists(name)


def test_a_delete_that_is_rolled_back_keeps_its_file(dinkes_staff, dinkes_room, client, dinkes):
    from django.db import transaction

    from opd import services

    client.force_login(dinkes_staff)
    attachment, storage, name = _stored(client, dinkes)

    class Abort(Exception):
        pass

    pk = attachment.pk
    with pytest.raises(Abort), transaction.atomic():
        services.part_delete(instance=attachment, user=dinkes_staff)
        raise Abort

    assert Attachment.objects.filter(pk=pk).exists()
    assert storage.exists(name)


def test_deleting_an_indicator_removes_its_files_after_the_commit(
    client, dinkes_staff, complete_indicator, dinkes, django_capture_on_commit_callbacks
):
    client.force_login(dinkes_staff)
    client.post(
        reverse("opd:attachment_upload", args=[dinkes.code]),
        {
            "file-file": SimpleUploadedFile("bukti.pdf", PDF),
            "file-indicator": complete_indicator.pk,
        },
    )
    attachment = Attachment.objects.get()
    storage, name = attachment.file.storage, attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("opd:indicator_delete", args=[complete_indicator.pk]))

    assert not Attachment.objects.exists()
    assert not storage.exists(name)


def test_a_file_whose_record_cannot_be_written_is_not_left_behind(
    dinkes_staff, dinkes_room, monkeypatch, tmp_path
):
    from opd import services

    def broken_audit(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        services.attachment_store(
            data_room=dinkes_room,
            upload=SimpleUploadedFile("laporan.pdf", PDF),
            content_type="application/pdf",
            user=dinkes_staff,
        )

    assert not Attachment.objects.exists()
    assert not list(tmp_path.glob("dataroom/*"))  # the file saved before the failure is gone

"""The city's electronic seal: a PAdES signature (pyHanko) on every stored PDF.

The certificate is a PKCS#12 file given by the environment::

    LELANG_SEAL_P12=/etc/lelang/seal.p12        # the city's certificate and key
    LELANG_SEAL_PASSWORD=...                    # its passphrase (may be empty)

Without it, a *demo* certificate is used: self-signed, its name says it is one
(``DEMO … bukan sertifikat resmi``), kept in ``<LELANG_DATA_DIR>/keys/``. ``seed_demo``
creates it, and so does the first seal of a development server (``DJANGO_DEBUG=1``);
a production server without ``LELANG_SEAL_P12`` refuses to seal, with one line
saying what to set.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

DEMO_PASSWORD = b"lelang-demo-seal"
DEMO_COMMON_NAME = "DEMO Segel Lelang Kinerja (bukan sertifikat resmi)"
SIGNATURE_FIELD = "SegelKota"

_lock = threading.Lock()
_cache: dict[tuple, object] = {}


class SealNotConfigured(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class SealSource:
    path: Path
    password: bytes
    is_demo: bool


def demo_certificate_path() -> Path:
    return Path(settings.DATA_DIR) / "keys" / "demo-seal.p12"


def ensure_demo_certificate() -> Path:
    """Create the self-signed demo certificate if it is missing; its path."""
    path = demo_certificate_path()
    if path.exists():
        return path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"DEMO {settings.LELANG_CITY_NAME}"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_COMMON_NAME),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Valid from before the demo's 2018 signing day, for twenty years.
        .not_valid_before(datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"lelang-demo-seal", key, cert, None, serialization.BestAvailableEncryption(DEMO_PASSWORD)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    tmp.replace(path)  # atomic: two first seals at once leave one certificate
    return path


def seal_source() -> SealSource:
    configured = os.environ.get("LELANG_SEAL_P12", "").strip()
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise SealNotConfigured(
                _("LELANG_SEAL_P12 points to %(path)s, which is not a file.") % {"path": path}
            )
        password = os.environ.get("LELANG_SEAL_PASSWORD", "").encode()
        return SealSource(path, password, is_demo=False)
    demo = demo_certificate_path()
    if not demo.exists():
        if not settings.DEBUG:
            raise SealNotConfigured(
                _(
                    "No seal certificate: set LELANG_SEAL_P12 (and LELANG_SEAL_PASSWORD) to "
                    "the city's PKCS#12 file, or run seed_demo for a demo certificate."
                )
            )
        ensure_demo_certificate()
    return SealSource(demo, DEMO_PASSWORD, is_demo=True)


def _signer(source: SealSource):
    from pyhanko.sign import signers

    stat = source.path.stat()
    key = (str(source.path), stat.st_mtime_ns, stat.st_size, source.password)
    with _lock:
        signer = _cache.get(key)
        if signer is None:
            signer = signers.SimpleSigner.load_pkcs12_data(
                source.path.read_bytes(), other_certs=[], passphrase=source.password or None
            )
            if signer is None:
                raise SealNotConfigured(
                    _("The seal certificate %(path)s cannot be read (wrong password?).")
                    % {"path": source.path}
                )
            _cache.clear()
            _cache[key] = signer
    return signer


def _outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous API runs its own ``asyncio.run``: from a thread whose
    event loop is running (a seed called inside a browser test, an async caller) it
    must run in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def seal_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    return _outside_event_loop(_seal_pdf, pdf, reason=reason, location=location)


def _seal_pdf(pdf: bytes, *, reason: str, location: str) -> bytes:
    """``pdf`` with a PAdES baseline signature of the city's seal over the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer(seal_source())
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def seal_certificate():
    """The seal's certificate (asn1crypto), e.g. to trust it when validating."""
    return _signer(seal_source()).signing_cert


def validate_seal(pdf: bytes, trust_roots=None):
    return _outside_event_loop(_validate_seal, pdf, trust_roots)


def _validate_seal(pdf: bytes, trust_roots=None):
    """pyHanko's validation status of the seal on ``pdf`` (trusting the seal's own
    certificate unless ``trust_roots`` is given)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = trust_roots if trust_roots is not None else [seal_certificate()]
    reader = PdfFileReader(io.BytesIO(pdf))
    if not reader.embedded_signatures:
        return None
    return validate_pdf_signature(
        reader.embedded_signatures[0], ValidationContext(trust_roots=roots)
    )

"""Benchmark of the documents: a pact's PDF, its download, and the evidence pack.

    python manage.py bench_documents [--runs 7] [--units 60] [--pdf-kb 400] [--strict]

Prints two lines on stdout::

    pact_pdf render_ms=.. weasyprint_floor_ms=.. download_ms=..
    evidence_zip units=60 mb=.. s=.. rss_delta_mb=..

* ``render_ms``: ``contracts.pdf.render`` of a sealed pact with eight indicators
  (the template rendered, charts, QR code and WeasyPrint), median of ``--runs``;
* ``weasyprint_floor_ms``: WeasyPrint alone on the same HTML (``HTML(string=...,
  base_url=BASE_DIR).write_pdf()``), median: the goal is render ≤ 1.3 × floor;
* ``download_ms``: ``GET`` of the sealed pact's download URL through Django's test
  client (all middleware, logged in as an inspector, the download audited) until the
  whole body is read, median of ``3 × --runs``: the goal is under 20 ms;
* ``evidence_zip``: ``--units`` units, each with a sealed pact of about ``--pdf-kb``
  KB (the first the real pact, the others random bytes registered with their
  SHA-256), downloaded as the evidence pack and read chunk by chunk. ``mb`` is the
  archive's size, ``s`` the time to its last byte, ``rss_delta_mb`` the largest
  growth of the process's resident memory (VmRSS) while streaming, over the memory
  before the request: the goal is under 50 MB, whatever the archive's size.

Everything runs in a child process on a throw-away SQLite database and media folder
in a temporary directory (``LELANG_DATA_DIR``; ``DATABASE_URL`` unset), as in
production (``DJANGO_DEBUG=0``). A missed goal is reported on stderr; with
``--strict`` the command then exits non-zero.
"""

import datetime
import gc
import hashlib
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

PASSWORD = "Bench-Dokumen-2018!"
GOALS = {"render_ratio": 1.3, "download_ms": 20.0, "rss_delta_mb": 50.0}


def rss_kb() -> int:
    """This process's resident memory now (VmRSS), in kB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _ms(seconds: float) -> float:
    return seconds * 1000


class Command(BaseCommand):
    help = "Measure a pact's PDF rendering and download, and the streamed evidence pack."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7, help="runs per median")
        parser.add_argument("--units", type=int, default=60, help="units in the evidence pack")
        parser.add_argument("--pdf-kb", type=int, default=400, help="size of each unit's pact")
        parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
        parser.add_argument("--child", action="store_true", help="(internal) measure here")

    def handle(self, *args, **options):
        if not 1 <= options["runs"] <= 100:
            raise CommandError("--runs: between 1 and 100")
        if not 1 <= options["units"] <= 1000:
            raise CommandError("--units: between 1 and 1000")
        if not 1 <= options["pdf_kb"] <= 100_000:
            raise CommandError("--pdf-kb: between 1 and 100000")
        if options["child"]:
            self.child(options)
            return
        with tempfile.TemporaryDirectory(prefix="lelang-bench-documents-") as folder:
            env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
            env.pop("LELANG_SEAL_P12", None)  # the demo certificate, made in the folder
            env.update(
                LELANG_DATA_DIR=folder,
                DJANGO_DEBUG="0",
                DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
            )
            manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
            subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)  # noqa: S603
            arguments = [
                "bench_documents",
                "--child",
                f"--runs={options['runs']}",
                f"--units={options['units']}",
                f"--pdf-kb={options['pdf_kb']}",
            ]
            done = subprocess.run(  # noqa: S603
                [*manage, *arguments], env=env, capture_output=True, text=True
            )
            if done.returncode:
                self.stderr.write(done.stderr)
                raise CommandError(f"benchmark failed (exit {done.returncode})")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        self.stdout.write(
            f"pact_pdf render_ms={result['render_ms']:.1f} "
            f"weasyprint_floor_ms={result['floor_ms']:.1f} "
            f"download_ms={result['download_ms']:.2f}"
        )
        self.stdout.write(
            f"evidence_zip units={result['units']} mb={result['mb']:.1f} "
            f"s={result['s']:.2f} rss_delta_mb={result['rss_delta_mb']:.1f}"
        )
        missed = []
        if result["render_ms"] > GOALS["render_ratio"] * result["floor_ms"]:
            missed.append(
                f"render {result['render_ms'] / result['floor_ms']:.2f}× the WeasyPrint floor "
                f"(goal ≤ {GOALS['render_ratio']}×)"
            )
        if result["download_ms"] >= GOALS["download_ms"]:
            missed.append(f"download {result['download_ms']:.1f} ms (goal < 20 ms)")
        if result["rss_delta_mb"] >= GOALS["rss_delta_mb"]:
            missed.append(f"evidence pack RSS +{result['rss_delta_mb']:.0f} MB (goal < 50 MB)")
        if missed:
            self.stderr.write("goal missed: " + "; ".join(missed))
            if options["strict"]:
                raise CommandError("; ".join(missed))

    # --- In the child process (throw-away database) -----------------------------------

    def child(self, options) -> None:
        from django.test import Client
        from django.test.utils import override_settings
        from django.urls import reverse

        from contracts.seal import ensure_demo_certificate

        ensure_demo_certificate()
        md5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the passwords are typed here
        with override_settings(PASSWORD_HASHERS=md5):
            pact, opd, inspector = build_sealed_pact(indicators=8)
        runs = options["runs"]
        render_ms, floor_ms = measure_render(pact, runs)

        client = Client()
        client.force_login(inspector)
        url = reverse("contracts:download", args=[pact.pk])
        download_ms = measure_download(client, url, runs * 3)

        add_synthetic_units(options["units"] - 1, options["pdf_kb"] * 1024, year=pact.year)
        evidence = measure_evidence(client, reverse("contracts:evidence"), warm_up=opd)
        print(  # the parent reads this line
            json.dumps(
                {
                    "render_ms": render_ms,
                    "floor_ms": floor_ms,
                    "download_ms": download_ms,
                    "units": options["units"],
                    **evidence,
                }
            )
        )


def build_sealed_pact(*, indicators: int):
    """A unit with ``indicators`` ready indicators, offered, accepted and signed by the
    head and the mayor: its pact sealed as in a session. Returns (pact, unit, inspector)."""
    from auctions import services as auctions
    from auctions.models import AgendaItem, Auction, Decision, Session
    from contracts import services
    from contracts.models import Document
    from lelang.models import User
    from lelang.roles import Role
    from opd.models import (
        Comparator,
        DataRoom,
        Indicator,
        Official,
        Opd,
        Period,
        Position,
        Program,
        StrategicObjective,
        Tenure,
    )

    def person(username, name, role):
        return User.objects.create_user(
            username=username, password=PASSWORD, name=name, role=role, email=""
        )

    operator = person("bappeda", "Operator Bappeda", Role.BAPPEDA)
    mayor = person("walikota", "Wali Kota Bench", Role.PANEL)
    inspector = person("inspektur", "Inspektur Bench", Role.INSPECTOR)
    head = person("kepala", "Dr. Kepala Dinas Bench, M.Kes.", Role.OPD_HEAD)
    opd = Opd.objects.create(code="bench000", name="Dinas Kesehatan Bench", kind=Opd.Kind.DINAS)
    official = Official.objects.create(name=head.name, nip="197001011995031001", user=head)
    position = Position.objects.create(opd=opd, title="Kepala Dinas Kesehatan", is_head=True)
    Tenure.objects.create(
        official=official, position=position, start_date=datetime.date(2018, 1, 1)
    )
    period = Period.objects.create(
        name="RPJMD 2018–2023", start_year=2018, end_year=2023, is_current=True
    )
    room = DataRoom.objects.create(opd=opd, period=period, status=DataRoom.Status.READY)
    objective = StrategicObjective.objects.create(
        data_room=room, name="Meningkatnya derajat kesehatan masyarakat"
    )
    program = Program.objects.create(data_room=room, name="Program Pelayanan Kesehatan")
    created = []
    for n in range(indicators):
        indicator = Indicator.objects.create(
            program=program,
            objective=objective,
            name=f"Cakupan pelayanan kesehatan dasar nomor {n + 1} di puskesmas",
            unit="%",
            polarity="higher",
            baseline_value=Decimal(60 + n),
            baseline_year=2017,
            baseline_source="Profil Kesehatan Kota 2017",
            target_value=Decimal(90),
            target_year=2023,
        )
        Comparator.objects.create(
            indicator=indicator,
            label="Jawa Timur",
            kind="province",
            value=Decimal(70 + n),
            year=2017,
            source="Dinkes Provinsi",
        )
        created.append(indicator)
    auction = Auction.objects.create(name="Lelang Kinerja Bench", period=period)
    session = Session.objects.create(
        auction=auction, title="Hari 1", date=datetime.date(2018, 11, 12)
    )
    item = AgendaItem.objects.create(session=session, opd=opd, order=1)
    auctions.item_start(item=item, user=operator)
    values = {
        (indicator.pk, year): Decimal(70 + n + (year - 2019) * 4)
        for n, indicator in enumerate(created)
        for year in range(2019, 2024)
    }
    offer = auctions.offer_issue(
        item=item, opd=opd, deadline_year=2023, values=values, send_anyway=True, user=mayor
    )
    auctions.decision_record(offer=offer, kind=Decision.Kind.ACCEPT, user=head, password=PASSWORD)
    pact = Document.objects.get(kind=Document.Kind.PACT, opd=opd)
    services.document_sign(document=pact, user=head, password=PASSWORD)
    services.document_sign(document=pact, user=mayor, password=PASSWORD)
    pact.refresh_from_db()
    if not pact.is_sealed:
        raise CommandError("the bench pact was not sealed")
    return pact, opd, inspector


def measure_render(document, runs: int) -> tuple[float, float]:
    """Medians (ms) of the project's render and of WeasyPrint alone on the same HTML,
    interleaved so that both see the same machine."""
    from weasyprint import HTML

    from contracts import pdf

    markup = pdf.html(document)
    base_url = str(settings.BASE_DIR)
    pdf.render(document)  # warm-up: fonts, images, template compilation
    HTML(string=markup, base_url=base_url).write_pdf()
    renders, floors = [], []
    for _ in range(runs):
        started = time.perf_counter()
        pdf.render(document)
        renders.append(time.perf_counter() - started)
        started = time.perf_counter()
        HTML(string=markup, base_url=base_url).write_pdf()
        floors.append(time.perf_counter() - started)
    return _ms(statistics.median(renders)), _ms(statistics.median(floors))


def measure_download(client, url: str, runs: int) -> float:
    def once() -> float:
        started = time.perf_counter()
        response = client.get(url, secure=True)
        body = b"".join(response.streaming_content)
        response.close()
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or not body.startswith(b"%PDF"):
            raise CommandError(f"download failed: HTTP {response.status_code}")
        return elapsed

    once(), once()  # warm-up
    return _ms(statistics.median(once() for _ in range(runs)))


def add_synthetic_units(count: int, size: int, *, year: int) -> None:
    """``count`` units, each with a sealed pact of about ``size`` random bytes stored
    and registered with its SHA-256 (the evidence pack copies files; it does not
    render them)."""
    import random

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from contracts.models import Document, new_token
    from opd.models import Opd

    rng = random.Random(2018)  # noqa: S311 (test data, not secrets)
    for n in range(1, count + 1):
        opd = Opd.objects.create(
            code=f"bench{n:03d}", name=f"Dinas Bench {n:03d}", kind=Opd.Kind.DINAS
        )
        data = b"%PDF-1.7\n" + os.urandom(int(size * rng.uniform(0.75, 1.25)))
        token = new_token()
        name = default_storage.save(f"documents/{token}.pdf", ContentFile(data))
        number = f"PIK/{n:04d}/BENCH{n:03d}/{year}"
        Document.objects.create(
            kind=Document.Kind.PACT,
            number=number,
            title=f"Pakta integritas — {opd.name}",
            opd=opd,
            year=year,
            content={},
            token=token,
            file=name,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            sealed_at=timezone.now(),
            status=Document.Status.SEALED,
        )


def measure_evidence(client, url: str, *, warm_up) -> dict:
    """Stream the whole pack, chunk by chunk, watching the resident memory."""

    def stream(query: dict) -> tuple[int, int, float]:
        started = time.perf_counter()
        response = client.get(url, query, secure=True)
        if response.status_code != 200:
            raise CommandError(f"evidence pack failed: HTTP {response.status_code}")
        size, peak = 0, rss_kb()
        tail = b""
        for chunk in response.streaming_content:
            size += len(chunk)
            tail = (tail + chunk)[-22:]
            peak = max(peak, rss_kb())
        response.close()
        if not tail.startswith(b"PK\x05\x06"):
            raise CommandError("the evidence pack does not end with a ZIP directory")
        return size, peak, time.perf_counter() - started

    stream({"opd": warm_up.pk})  # the code paths loaded once, as in a running server
    gc.collect()
    before = rss_kb()
    size, peak, seconds = stream({})
    return {
        "mb": size / 1024 / 1024,
        "s": seconds,
        "rss_delta_mb": max(0, peak - before) / 1024,
    }

"""Benchmark of the data room's Excel import: memory and time of the largest workbook.

    python manage.py bench_excel [--rows 5000] [--max-rss-mb 200]

Prints one line per workbook on stdout::

    excel_import rows=5000 unpacked_mb=.. max_rss_mb=.. seconds=..
    excel_bomb unpacked_mb=.. refused=1 max_rss_mb=.. seconds=..

``excel_import`` is the largest workbook the import accepts: ``--rows`` filled rows
(at most ``opd.excel.MAX_ROWS``) on each of its three sheets, every text at the
column's maximum length, the definitions long enough to bring the unpacked archive
just under ``opd.excel.ARCHIVE_LIMITS``, and a style sheet padded to just under the
limit for one part (openpyxl holds the style sheet in memory). It is imported, fully
validated and applied, into a throw-away SQLite database in a temporary folder.
``excel_bomb`` is a zip bomb (a sheet that unpacks to 1 GB) that must be refused
before anything is unpacked.

Each import runs in a fresh child process (Django started, nothing else), and
``max_rss_mb`` is that process's peak resident memory (``VmHWM``), so the figure
is what a server worker adds to itself while importing: the goal is under
``--max-rss-mb`` (200 MB). ``seconds`` is the time of ``import_workbook`` alone. The
command exits non-zero when a goal is missed or the workbook is not accepted.
"""

import io
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

VOCABULARY = (
    "pelayanan kesehatan ibu anak balita gizi posyandu puskesmas kelurahan kecamatan "
    "pendidikan sekolah siswa guru pasar retribusi investasi izin bangunan sampah air "
    "bersih sanitasi jalan drainase wisata budaya industri koperasi usaha data profil "
    "laporan tahunan dinas badan kota jawa timur nasional provinsi cakupan persentase "
    "jumlah rata-rata indeks angka target capaian realisasi"
)
WORDS = VOCABULARY.split()


def _text(rng: random.Random, length: int, prefix: str = "") -> str:
    """Words up to ``length`` characters, unique by ``prefix``."""
    text = prefix
    while len(text) < length:
        text += " " + rng.choice(WORDS)
    return text[:length].rstrip()


def largest_workbook(rows: int, definition_length: int, seed: int = 1) -> bytes:
    """A valid workbook: ``rows`` rows on each sheet, texts at the columns' limits."""
    from openpyxl import Workbook

    from opd import excel
    from opd.forms import DEFINITION_MAX_LENGTH

    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    wb = Workbook(write_only=True)
    indicators = wb.create_sheet(excel.SHEET_INDICATORS)
    comparators = wb.create_sheet(excel.SHEET_COMPARATORS)
    supporting = wb.create_sheet(excel.SHEET_SUPPORTING)
    indicators.append(list(excel.INDICATOR_HEADERS))
    comparators.append(list(excel.COMPARATOR_HEADERS))
    supporting.append(list(excel.SUPPORTING_HEADERS))
    programs = [_text(rng, 300, f"Program {n}") for n in range(max(1, rows // 50))]
    # One strategic objective per program: a unit has a handful, not one per indicator.
    objectives = [_text(rng, 300, f"Sasaran {n}") for n in range(len(programs))]
    for n in range(rows):
        program = programs[n % len(programs)]
        name = _text(rng, 300, f"Indikator {n}")
        indicators.append(
            [
                program,
                "program",
                objectives[n % len(objectives)],
                name,
                _text(rng, min(definition_length, DEFINITION_MAX_LENGTH), "Definisi"),
                "%",
                "naik",
                None,
                None,
                "nilai akhir",
                _text(rng, 300, "Sumber data"),
                round(rng.uniform(0, 90), 2),
                2017,
                _text(rng, 300, "Baseline"),
                round(rng.uniform(90, 100), 2),
                2023,
                None,
            ]
        )
        comparators.append(
            [
                program,
                name,
                _text(rng, 200, f"Pembanding {n}"),
                "provinsi",
                round(rng.uniform(0, 100), 2),
                2017,
                _text(rng, 300, "Sumber"),
            ]
        )
        supporting.append(
            [
                program,
                name,
                _text(rng, 200, f"Tabel {n}"),
                _text(rng, 100, "Jumlah"),
                _text(rng, 300, "Sumber tabel"),
                _text(rng, 200, f"Baris {n}"),
                rng.randint(0, 100_000),
                _text(rng, 300, "Keterangan"),
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return pad_styles(buffer.getvalue(), rng)


def pad_styles(content: bytes, rng: random.Random) -> bytes:
    """The workbook with its style sheet grown to just under the limit for one part."""
    from opd.excel import ARCHIVE_LIMITS

    source = zipfile.ZipFile(io.BytesIO(content))
    styles = source.read("xl/styles.xml").decode()
    start, end = styles.index("<cellXfs"), styles.index("</cellXfs>")
    formats = [styles[styles.index(">", start) + 1 : end]]
    size = len(styles)
    while size < ARCHIVE_LIMITS.part_bytes * 0.97:
        xf = f'<xf numFmtId="{rng.randint(0, 200)}" fontId="0" fillId="0" borderId="0"/>'
        formats.append(xf)
        size += len(xf)
    count = len(formats)  # the original formats count as one here; close enough
    styles = f'{styles[:start]}<cellXfs count="{count}">{"".join(formats)}{styles[end:]}'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = styles.encode() if member.filename == "xl/styles.xml" else source.read(member)
            target.writestr(member, data)
    return buffer.getvalue()


def unpacked_size(content: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(member.file_size for member in archive.infolist())


def zip_bomb(unpacked_bytes: int = 1024**3) -> bytes:
    """An .xlsx-looking archive whose one sheet unpacks to ``unpacked_bytes`` of zeros."""
    buffer = io.BytesIO()
    chunk = b"0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(unpacked_bytes // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def peak_rss_kb() -> int:
    """This process's peak resident memory in kB: VmHWM, which belongs to the process's
    own memory map (``ru_maxrss`` would also count the parent's, copied at fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


class Command(BaseCommand):
    help = "Measure the memory and time of importing the largest accepted Excel workbook."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=0, help="rows per sheet (default: max)")
        parser.add_argument("--max-rss-mb", type=int, default=200, help="goal for max_rss_mb")
        parser.add_argument("--child", default="", help="(internal) import this workbook")

    def handle(self, *args, **options):
        if options["child"]:
            self.child(Path(options["child"]))
            return
        from opd.excel import ARCHIVE_LIMITS, MAX_ROWS

        rows = options["rows"] or MAX_ROWS
        if not 1 <= rows <= MAX_ROWS:
            raise CommandError(f"--rows: between 1 and {MAX_ROWS}")
        # The definitions take up what the other columns leave below the archive limit.
        probe = largest_workbook(rows, definition_length=0)
        room = ARCHIVE_LIMITS.total_bytes * 0.97 - unpacked_size(probe)
        definition_length = max(0, int(room / rows) - 40)  # 40: the cell's XML around it
        content = largest_workbook(rows, definition_length)
        bomb = zip_bomb()

        failures = []
        with tempfile.TemporaryDirectory(prefix="lelang-bench-excel-") as folder:
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            # As in production: without DEBUG, Django keeps no log of the queries.
            env.update(
                LELANG_DATA_DIR=folder,
                DJANGO_DEBUG="0",
                DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                DJANGO_ALLOWED_HOSTS="127.0.0.1",
            )
            manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
            migrate = [*manage, "migrate", "--verbosity", "0"]
            subprocess.run(migrate, env=env, check=True)  # noqa: S603
            for label, data in (("excel_import", content), ("excel_bomb", bomb)):
                path = Path(folder) / f"{label}.xlsx"
                path.write_bytes(data)
                done = subprocess.run(  # noqa: S603
                    [*manage, "bench_excel", "--child", str(path)],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                result = json.loads(done.stdout.strip().splitlines()[-1])
                unpacked = unpacked_size(data) / 1024 / 1024
                if label == "excel_import":
                    line = f"excel_import rows={rows} unpacked_mb={unpacked:.1f}"
                    if not result["ok"]:
                        failures.append(f"the largest workbook was refused: {result['errors']}")
                else:
                    line = f"excel_bomb unpacked_mb={unpacked:.0f} refused={int(not result['ok'])}"
                    if result["ok"]:
                        failures.append("the zip bomb was accepted")
                line += f" max_rss_mb={result['max_rss_mb']:.0f} seconds={result['seconds']:.2f}"
                self.stdout.write(line)
                if result["max_rss_mb"] > options["max_rss_mb"]:
                    failures.append(f"{label}: {result['max_rss_mb']:.0f} MB RSS")
        if failures:
            raise CommandError("; ".join(failures))

    def child(self, path: Path) -> None:
        """Import ``path`` into a new data room of the (throw-away) database; print JSON."""
        from django.contrib.auth import get_user_model

        from opd.excel import import_workbook
        from opd.models import DataRoom, Opd, Period

        opd, _created = Opd.objects.get_or_create(
            code="bench", defaults={"name": "Dinas Bench", "kind": Opd.Kind.DINAS}
        )
        period, _created = Period.objects.get_or_create(
            name="Bench", defaults={"start_year": 2018, "end_year": 2023}
        )
        room, _created = DataRoom.objects.get_or_create(opd=opd, period=period)
        user, _created = get_user_model().objects.get_or_create(username="bench")
        with path.open("rb") as fileobj:
            started = time.perf_counter()
            result = import_workbook(data_room=room, fileobj=fileobj, user=user)
            seconds = time.perf_counter() - started
        peak_kb = peak_rss_kb()
        self.stdout.write(
            json.dumps(
                {
                    "ok": result.ok,
                    "errors": [str(error) for error in result.errors[:3]],
                    "max_rss_mb": peak_kb / 1024,
                    "seconds": seconds,
                }
            )
        )

"""Benchmark of the dashboards at city scale (DESIGN.md §6).

    python manage.py bench_dashboard [--units 60] [--indicators 20] [--years 5] [--requests 20]

Seeds ``--units`` units × ``--indicators`` indicators × ``--years`` years × 4 quarters of
verified reports against sealed pacts (rows written directly with ``bulk_create``;
the signatures are bypassed, each pact gets a made-up SHA-256) into a throw-away
SQLite database in a temporary folder, then requests the city view and one unit's
scorecard ``--requests`` times each through Django's test client, logged in as a
panel member, and prints one line::

    dashboard city_p95_ms=.. opd_p95_ms=.. queries=..

``queries`` is the number of SQL queries of one request of the city view. The goal is
p95 ≤ 150 ms; a missed goal is reported on stderr (``--strict``: exit 1).
"""

import datetime
import json
import os
import random
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

GOAL_MS = 150.0
FIRST_YEAR = 2019


def seed(*, units: int, indicators: int, years: int, seed_value: int = 1) -> dict:
    """City-scale data written directly: returns {"opds": [...], "themes": [...]}."""
    from django.utils import timezone

    from contracts.models import Document
    from monitoring.models import Quarter, Report, ReportLine
    from opd.models import DataRoom, Indicator, Opd, Period, Program, Theme

    rng = random.Random(seed_value)  # noqa: S311 (test data)
    period, _created = Period.objects.get_or_create(
        name="Bench RPJMD", defaults={"start_year": FIRST_YEAR - 1, "end_year": FIRST_YEAR + 4}
    )
    start = Opd.objects.count()
    opds = Opd.objects.bulk_create(
        Opd(code=f"bench-{start + n}", name=f"Dinas Bench {start + n}", kind=Opd.Kind.DINAS)
        for n in range(units)
    )
    themes = list(Theme.objects.filter(code__startswith="bench-tema"))
    if not themes:
        themes = Theme.objects.bulk_create(
            Theme(code=f"bench-tema-{n}", name=f"Tema Bench {n}") for n in range(3)
        )
    rooms = DataRoom.objects.bulk_create(DataRoom(opd=o, period=period) for o in opds)
    programs = Program.objects.bulk_create(
        Program(data_room=r, name="Program Bench") for r in rooms
    )
    polarities = ["higher", "higher", "lower"]
    made = Indicator.objects.bulk_create(
        Indicator(
            program=p,
            name=f"Indikator {n}",
            unit="%",
            polarity=polarities[n % 3],
            baseline_value=Decimal(50),
            baseline_year=FIRST_YEAR - 1,
            baseline_source="Bench",
            theme=themes[n % len(themes)] if n < len(themes) else None,
            order=n,
        )
        for p in programs
        for n in range(indicators)
    )
    by_opd: dict[int, list] = {}
    for indicator, program in zip(
        made, [p for p in programs for _ in range(indicators)], strict=True
    ):
        by_opd.setdefault(program.data_room.opd_id, []).append(indicator)
    year_range = range(FIRST_YEAR, FIRST_YEAR + years)
    now = timezone.now()
    pacts = Document.objects.bulk_create(
        Document(
            kind=Document.Kind.PACT,
            number=f"BENCH/{o.code}/{secrets.token_hex(4)}",
            status=Document.Status.SEALED,
            title=f"Pakta {o.name}",
            opd=o,
            year=FIRST_YEAR - 1,
            content={
                "indicators": [
                    {"id": i.pk, "targets": {str(y): "60" for y in year_range}}
                    for i in by_opd[o.pk]
                ]
            },
            sha256=secrets.token_hex(32),
            sealed_at=now,
        )
        for o in opds
    )
    quarters = {}
    for year in year_range:
        for number in (1, 2, 3, 4):
            quarter, _created = Quarter.objects.get_or_create(
                year=year, number=number, defaults={"due_date": Quarter.default_due(year, number)}
            )
            quarters[(year, number)] = quarter
    reports = Report.objects.bulk_create(
        Report(
            opd=o,
            quarter=q,
            status=Report.Status.VERIFIED,
            submitted_at=now - datetime.timedelta(days=rng.randint(0, 3)),
            reviewed_at=now,
        )
        for o in opds
        for q in quarters.values()
    )
    pact_of = {p.opd_id: p for p in pacts}
    ReportLine.objects.bulk_create(
        (
            ReportLine(
                report=r,
                indicator=i,
                pact=pact_of[r.opd_id],
                yearly_target=Decimal(60),
                target=Decimal(60),
                realization=Decimal(rng.randint(20, 75)),
                order=n,
            )
            for r in reports
            for n, i in enumerate(by_opd[r.opd_id])
        ),
        batch_size=2000,
    )
    return {"opds": opds, "themes": themes}


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


class Command(BaseCommand):
    help = "Measure the dashboards' server time at city scale."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=60)
        parser.add_argument("--indicators", type=int, default=20)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
        parser.add_argument("--child", action="store_true", help="(internal) measure here")

    def handle(self, *args, **options):
        if options["child"]:
            self.child(options)
            return
        with tempfile.TemporaryDirectory(prefix="lelang-bench-dashboard-") as folder:
            env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
            env.update(
                LELANG_DATA_DIR=folder,
                DJANGO_DEBUG="0",
                DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
            )
            manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
            subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)  # noqa: S603
            arguments = ["bench_dashboard", "--child"] + [
                f"--{name}={options[name]}" for name in ("units", "indicators", "years", "requests")
            ]
            done = subprocess.run(  # noqa: S603
                [*manage, *arguments], env=env, capture_output=True, text=True
            )
            if done.returncode:
                self.stderr.write(done.stderr)
                raise CommandError(f"benchmark failed (exit {done.returncode})")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        self.stdout.write(
            f"dashboard city_p95_ms={result['city']:.1f} opd_p95_ms={result['opd']:.1f} "
            f"queries={result['queries']}"
        )
        missed = [k for k in ("city", "opd") if result[k] > GOAL_MS]
        if missed:
            message = f"goal missed: p95 of {', '.join(missed)} above {GOAL_MS:.0f} ms"
            self.stderr.write(message)
            if options["strict"]:
                raise CommandError(message)

    def child(self, options) -> None:
        from django.test.utils import override_settings

        # The checkout's collected static files (the manifest) may predate this page.
        storages = {**settings.STORAGES, "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # fmt: skip
        with override_settings(STORAGES=storages):
            self.measure(options)

    def measure(self, options) -> None:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from lelang.models import User
        from lelang.roles import Role

        data = seed(units=options["units"], indicators=options["indicators"],
                    years=options["years"])  # fmt: skip
        user = User.objects.create_user(username="bench-panel", name="Panel", role=Role.PANEL)
        client = Client()
        client.force_login(user)
        last = FIRST_YEAR + options["years"] - 1
        urls = {
            "city": f"{reverse('dashboards:city')}?year={last}&quarter=4",
            "opd": f"{reverse('dashboards:opd', args=[data['opds'][0].code])}?year={last}",
        }
        result = {}
        for name, url in urls.items():
            client.get(url, secure=True)  # warm up: templates compiled, caches filled
            samples = []
            for _ in range(options["requests"]):
                started = time.perf_counter()
                response = client.get(url, secure=True)
                samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url}: HTTP {response.status_code}")
            result[name] = _p95(samples)
            result[f"{name}_median"] = statistics.median(samples)
        with CaptureQueriesContext(connection) as queries:
            client.get(urls["city"], secure=True)
        result["queries"] = len(queries.captured_queries)
        print(json.dumps(result))  # the parent reads this line

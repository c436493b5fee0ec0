"""Demo data: Kota Malang's 2018–2023 performance auction, for training and trials.

The units are the real ones that took part; every person, NIP and number is
invented (names chosen not to be those of the city's officials, each ending in
"(contoh)") and flagged ``is_demo``. Loading is idempotent and never touches a row
that is not flagged as demo: if a real row already uses a demo code, username or
NIP, loading stops before changing anything.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db.models import Q

from lelang.roles import Role
from opd.models import Official, Opd, Position, Tenure

DEMO_PASSWORD = "Demo-Lelang-2018"

K = Opd.Kind
# code, name, short name, kind, head's title, head's name, login of the head (or "")
UNITS = [
    (
        "dindik",
        "Dinas Pendidikan",
        "Dindik",
        K.DINAS,
        "Kepala Dinas Pendidikan",
        "Drs. Haryo Wicaksono Pambudi, M.Pd.",
        "kepala.dindik",
    ),
    (
        "dinkes",
        "Dinas Kesehatan",
        "Dinkes",
        K.DINAS,
        "Kepala Dinas Kesehatan",
        "dr. Ratna Kusumaningtyas, M.Kes.",
        "kepala.dinkes",
    ),
    (
        "disdag",
        "Dinas Perdagangan",
        "Disdag",
        K.DINAS,
        "Kepala Dinas Perdagangan",
        "Ir. Bagus Setyo Nugraha, M.M.",
        "kepala.disdag",
    ),
    (
        "dpmptsp",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "DPMPTSP",
        K.DINAS,
        "Kepala Dinas Penanaman Modal dan PTSP",
        "Dra. Wiwik Sulistyaningrum, M.Si.",
        "kepala.dpmptsp",
    ),
    (
        "disperin",
        "Dinas Perindustrian",
        "Disperin",
        K.DINAS,
        "Kepala Dinas Perindustrian",
        "Teguh Ardiansyah Putra, S.T., M.T.",
        "kepala.disperin",
    ),
    (
        "disbudpar",
        "Dinas Kebudayaan dan Pariwisata",
        "Disbudpar",
        K.DINAS,
        "Kepala Dinas Kebudayaan dan Pariwisata",
        "Laksmi Pramesti, S.Sos., M.Si.",
        "kepala.disbudpar",
    ),
    (
        "dpupr",
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "DPUPR",
        K.DINAS,
        "Kepala Dinas Pekerjaan Umum dan Penataan Ruang",
        "Ir. Gilang Prakoso Adinegoro, M.T.",
        "kepala.dpupr",
    ),
    (
        "dishub",
        "Dinas Perhubungan",
        "Dishub",
        K.DINAS,
        "Kepala Dinas Perhubungan",
        "Yusuf Anggoro Kuncoro, S.H., M.H.",
        "kepala.dishub",
    ),
    (
        "disperkim",
        "Dinas Perumahan dan Kawasan Permukiman",
        "Disperkim",
        K.DINAS,
        "Kepala Dinas Perumahan dan Kawasan Permukiman",
        "Ir. Danang Setiawan Mukti, M.T.",
        "kepala.disperkim",
    ),
    (
        # Malang's planning agency was Barenlitbang in 2018 (LELANG_PLANNING_AGENCY);
        # its code stays "bappeda", the role's name in the app.
        "bappeda",
        "Badan Perencanaan, Penelitian dan Pengembangan",
        "Barenlitbang",
        K.BADAN,
        "Kepala Badan Perencanaan, Penelitian dan Pengembangan",
        "Dr. Ir. Sekar Ayu Paramita, M.T.",
        "",
    ),
    (
        "inspektorat",
        "Inspektorat",
        "Inspektorat",
        K.INSPEKTORAT,
        "Inspektur",
        "Drs. Bimo Hadiwinoto, M.Ak.",
        "inspektur",
    ),
    (
        "diskominfo",
        "Dinas Komunikasi dan Informatika",
        "Diskominfo",
        K.DINAS,
        "Kepala Dinas Komunikasi dan Informatika",
        "Rizal Fahrudin Akbar, S.Kom., M.T.",
        "kepala.diskominfo",
    ),
    (
        "kec-blimbing",
        "Kecamatan Blimbing",
        "Kec. Blimbing",
        K.KECAMATAN,
        "Camat Blimbing",
        "Arya Dwipangga, S.STP., M.Si.",
        "camat.blimbing",
    ),
    (
        "kec-kedungkandang",
        "Kecamatan Kedungkandang",
        "Kec. Kedungkandang",
        K.KECAMATAN,
        "Camat Kedungkandang",
        "Nindya Puspitasari, S.Sos.",
        "camat.kedungkandang",
    ),
    (
        "kec-klojen",
        "Kecamatan Klojen",
        "Kec. Klojen",
        K.KECAMATAN,
        "Camat Klojen",
        "Galih Permadi, S.IP., M.Si.",
        "camat.klojen",
    ),
    (
        "kec-lowokwaru",
        "Kecamatan Lowokwaru",
        "Kec. Lowokwaru",
        K.KECAMATAN,
        "Camat Lowokwaru",
        "Ayu Kinanti Larasati, S.H.",
        "camat.lowokwaru",
    ),
    (
        "kec-sukun",
        "Kecamatan Sukun",
        "Kec. Sukun",
        K.KECAMATAN,
        "Camat Sukun",
        "Pandu Satriyo Nugroho, S.STP.",
        "camat.sukun",
    ),
    # Units not yet in the auction of November 2018: the planned follow-up session on
    # poverty ("yang lain akan segera dirampungkan") and the review workflow's examples.
    (
        "dinsos",
        "Dinas Sosial",
        "Dinsos",
        K.DINAS,
        "Kepala Dinas Sosial",
        "Dra. Kartika Dewi Anggraeni, M.Si.",
        "kepala.dinsos",
    ),
    (
        "diskopum",
        "Dinas Koperasi dan Usaha Mikro",
        "Diskopum",
        K.DINAS,
        "Kepala Dinas Koperasi dan Usaha Mikro",
        "Bambang Sasongko Hadi, S.E., M.M.",
        "kepala.diskopum",
    ),
    (
        "disnaker",
        "Dinas Tenaga Kerja",
        "Disnaker",
        K.DINAS,
        "Kepala Dinas Tenaga Kerja",
        "Heru Prasetyo Wibisono, S.H., M.Si.",
        "kepala.disnaker",
    ),
    (
        "dlh",
        "Dinas Lingkungan Hidup",
        "DLH",
        K.DINAS,
        "Kepala Dinas Lingkungan Hidup",
        "Ir. Anindya Paramasari, M.T.",
        "kepala.dlh",
    ),
    (
        "dispendukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Dispendukcapil",
        K.DINAS,
        "Kepala Dinas Kependudukan dan Pencatatan Sipil",
        "Fajar Nugroho Santosa, S.Sos., M.AP.",
        "kepala.dispendukcapil",
    ),
]

HEADS_FROM = date(2018, 9, 3)


@dataclass(frozen=True)
class Person:
    """One demo official: where they sit, since when, and their login if any."""

    name: str
    opd_code: str | None  # None: a city-wide position (mayor, deputy, Sekda)
    title: str
    is_head: bool
    start: date
    end: date | None = None
    acting: bool = False
    username: str = ""
    role: str = ""
    civil_servant: bool = True


def _people() -> list[Person]:
    people = [
        Person(
            "H. Wiratmoko Adiputro, S.E. (contoh)",
            None,
            "Wali Kota Malang",
            False,
            date(2018, 9, 24),
            username="walikota",
            role=Role.PANEL,
            civil_servant=False,
        ),
        Person(
            "Ir. Bayu Candra Wiguna (contoh)",
            None,
            "Wakil Wali Kota Malang",
            False,
            date(2018, 9, 24),
            username="wakil.walikota",
            role=Role.PANEL,
            civil_servant=False,
        ),
        Person(
            "Drs. Respati Hardjono, M.M. (contoh)",
            None,
            "Sekretaris Daerah",
            False,
            date(2017, 3, 1),
            username="sekda",
            role=Role.PANEL,
        ),
        Person(
            "Citra Anindita, S.T., M.PP. (contoh)",
            "bappeda",
            "Kepala Bidang Pengendalian dan Evaluasi Pembangunan",
            False,
            date(2017, 1, 2),
            username="bappeda",
            role=Role.BAPPEDA,
        ),
        Person(
            "Raka Mahardika, S.Kom. (contoh)",
            "diskominfo",
            "Pranata Komputer (Ngalam Command Center)",
            False,
            date(2018, 1, 2),
            username="kominfo",
            role=Role.BAPPEDA,
        ),
        Person(
            "Nadia Puspitasari, S.Si. (contoh)",
            "diskominfo",
            "Analis Data (Ngalam Command Center)",
            False,
            date(2018, 1, 2),
            username="pemantau",
            role=Role.MONITORING,
        ),
        Person(
            "Wulan Sekarsari, S.KM. (contoh)",
            "dinkes",
            "Analis Perencanaan Dinas Kesehatan",
            False,
            date(2016, 4, 1),
            username="staf.dinkes",
            role=Role.OPD_STAFF,
        ),
        Person(
            "Aditya Wirabumi, S.Pd. (contoh)",
            "dindik",
            "Analis Perencanaan Dinas Pendidikan",
            False,
            date(2017, 7, 3),
            username="staf.dindik",
            role=Role.OPD_STAFF,
        ),
        # History: the previous head of Dinas Kesehatan, whose tenure ended.
        Person(
            "dr. Hendro Kartiko, M.Kes. (contoh)",
            "dinkes",
            "Kepala Dinas Kesehatan",
            True,
            date(2014, 1, 6),
            end=date(2018, 9, 2),
        ),
    ]
    for code, _name, _short, _kind, title, head, username in UNITS:
        role = (
            Role.BAPPEDA
            if code == "bappeda"
            else (Role.INSPECTOR if code == "inspektorat" else Role.OPD_HEAD)
        )
        if code == "dishub":
            # Dishub has been led by an acting head (Plt.) since the previous head left at
            # the end of September 2018: the Plt. brought the data room and the auction.
            people.append(
                Person(
                    "Drs. Kuncoro Adiwibowo (contoh)",
                    code,
                    title,
                    True,
                    date(2015, 2, 2),
                    end=date(2018, 9, 30),
                )
            )
            people.append(
                Person(
                    f"{head} (contoh)",
                    code,
                    title,
                    True,
                    date(2018, 10, 1),
                    acting=True,
                    username=username,
                    role=role,
                )
            )
            continue
        people.append(
            Person(f"{head} (contoh)", code, title, True, HEADS_FROM, username=username, role=role)
        )
    return people


def _nip(index: int, person: Person) -> str:
    """A plausible but invented 18-digit NIP: birth date, appointment month, sex, number."""
    if not person.civil_servant:
        return ""
    birth = date(1965 + index % 15, 1 + index % 12, 1 + index % 27)
    appointed = date(1990 + index % 12, 1 + (index * 5) % 12, 1)
    return f"{birth:%Y%m%d}{appointed:%Y%m}{1 + index % 2}{index + 1:03d}"


class DemoConflict(Exception):
    """Real (non-demo) rows use names the demo needs; nothing was changed."""


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values())

    def add(self, key: str, created: bool) -> None:
        self.created[key] = self.created.get(key, 0) + int(created)


def _conflicts(people: list[Person]) -> list[str]:
    User = get_user_model()
    codes = [unit[0] for unit in UNITS]
    names = [unit[1] for unit in UNITS]
    usernames = [p.username for p in people if p.username]
    nips = [_nip(i, p) for i, p in enumerate(people) if p.civil_servant]
    problems = [
        f"OPD {opd.code} ({opd.name})"
        for opd in Opd.objects.filter(Q(code__in=codes) | Q(name__in=names), is_demo=False)
    ]
    problems += [
        f"user {user.username}"
        for user in User.objects.filter(username__in=usernames, is_demo=False)
    ]
    problems += [
        f"NIP {official.nip}" for official in Official.objects.filter(nip__in=nips, is_demo=False)
    ]
    return problems


def seed_people(result: SeedResult) -> None:
    """The units, their positions and the demo people (the first part of the demo,
    ``manage.py seed_demo`` orders the rest). Stops before changing anything if a real
    row already uses a demo code, username or NIP."""
    User = get_user_model()
    people = _people()
    problems = _conflicts(people)
    if problems:
        raise DemoConflict(", ".join(problems))

    units = {}
    for code, name, short, kind, head_title, _head, _username in UNITS:
        opd, created = Opd.objects.get_or_create(
            code=code, defaults={"name": name, "short_name": short, "kind": kind, "is_demo": True}
        )
        result.add("opd", created)
        units[code] = opd
        _pos, created = Position.objects.get_or_create(
            opd=opd, title=head_title, defaults={"is_head": True, "is_demo": True}
        )
        result.add("position", created)

    demo_hash = None
    for index, person in enumerate(people):
        opd = units[person.opd_code] if person.opd_code else None
        position = Position.objects.filter(opd=opd, title=person.title).first()
        if position is None:
            position = Position.objects.create(
                opd=opd, title=person.title, is_head=person.is_head, is_demo=True
            )
            result.add("position", True)
        user = None
        if person.username:
            user, created = User.objects.get_or_create(
                username=person.username,
                defaults={"name": person.name, "role": person.role, "is_demo": True},
            )
            if created:
                # One (slow, salted) hash for the whole demo: every demo login shares
                # the published password anyway.
                if demo_hash is None:
                    demo_hash = make_password(DEMO_PASSWORD)
                user.password = demo_hash
                user.save(update_fields=["password"])
            result.add("user", created)
        official, created = Official.objects.get_or_create(
            name=person.name,
            is_demo=True,
            defaults={"nip": _nip(index, person), "user": user},
        )
        result.add("official", created)
        _tenure, created = Tenure.objects.get_or_create(
            official=official,
            position=position,
            start_date=person.start,
            defaults={"end_date": person.end, "is_acting": person.acting},
        )
        result.add("tenure", created)


def demo_logins() -> list[tuple[str, str, str]]:
    """(role label, username, name) of the demo accounts, one line per role first."""
    User = get_user_model()
    # The follow-up session's head comes right after Bappeda and the mayor.
    first = ["bappeda", "walikota", "kepala.dinsos", "kepala.dinkes", "staf.dinkes", "inspektur"]
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    ordered = [users[name] for name in first if name in users]
    ordered += sorted(
        (u for u in users.values() if u.username not in first), key=lambda u: u.username
    )
    return [(str(u.get_role_display()), u.username, u.name) for u in ordered]

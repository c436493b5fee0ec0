"""Demo data rooms: what Kota Malang's units bring to the 2018–2023 auction.

Every number, case and comment here is INVENTED for training and trials. The
figures are kept plausible (a baseline in 2017, a target for 2023, a comparator
from a neighbouring region, the province, the nation or a standard) but none of
them is an official statistic, and the sources named are only examples of where
a unit would look.

``seed_data_rooms`` runs in ``manage.py seed_demo`` once the demo units
exist. Like the rest of the demo it is idempotent: rows are looked up by their
natural keys and only missing ones are created; nothing existing is changed.
A data room whose unit is not a demo unit is left alone, and a data room that is
locked (submitted or ready) is not filled in further, exactly as in the app.
Submissions (versions, the earlier ones returned with Bappeda's comments) and review
comments are written only together with a new room.
The one exception to "locked rooms are not filled in": a demo indicator without a
strategic objective (seeded before objectives existed) gets its unit's objective in
every room, so the demo's ready rooms pass the checklist.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q

from lelang.demo import UNITS, DemoConflict, SeedResult
from opd.models import (
    CaseExample,
    Comparator,
    DataRoom,
    Indicator,
    Opd,
    Period,
    Program,
    ReviewComment,
    StrategicObjective,
    Submission,
    SupportingRow,
    SupportingTable,
    Theme,
)
from opd.services import data_room_snapshot

JAKARTA = ZoneInfo("Asia/Jakarta")
S = DataRoom.Status
P = Indicator.Polarity
A = Indicator.Aggregation
C = Comparator.Kind

PERIOD = {"name": "RPJMD 2018–2023", "start_year": 2018, "end_year": 2023}

THEMES = [
    {
        "code": "penurunan-aki",
        "name": "Penurunan Angka Kematian Ibu",
        "description": (
            "Menurunkan kematian ibu saat hamil, bersalin dan nifas. Dinas Kesehatan "
            "memegang layanan (pemeriksaan kehamilan, persalinan di fasilitas kesehatan, "
            "rujukan); kecamatan dan kelurahan menggerakkan kader untuk menemukan dan "
            "mendampingi ibu hamil risiko tinggi."
        ),
    },
    {
        "code": "penanganan-stunting",
        "name": "Penanganan Stunting",
        "description": (
            "Menurunkan prevalensi balita pendek (stunting): intervensi gizi spesifik oleh "
            "Dinas Kesehatan, intervensi sensitif (posyandu, sanitasi, keluarga "
            "pra-sejahtera) bersama kecamatan dan kelurahan."
        ),
    },
    {
        "code": "penurunan-kemiskinan",
        "name": "Penurunan Angka Kemiskinan",
        "description": (
            "Menurunkan persentase penduduk miskin secara terpadu. Dinas Sosial memastikan "
            "bantuan sosial tepat sasaran dan mendampingi keluarga penerima manfaat hingga "
            "mandiri; Dinas Koperasi dan Usaha Mikro membina usaha mikro keluarga miskin agar "
            "bertahan dan naik kelas sebagai sumber pendapatan yang berkelanjutan."
        ),
    },
]

KECAMATAN = ["Blimbing", "Kedungkandang", "Klojen", "Lowokwaru", "Sukun"]


def per_kecamatan(*values) -> list[tuple[str, float]]:
    """Rows of a table with one value per kecamatan, in the order of ``KECAMATAN``."""
    return list(zip(KECAMATAN, values, strict=True))


# opd code: (status, versions), a version being (submitted at, reviewed at or None),
# Asia/Jakarta. Every version but the last was returned with Bappeda's comments
# (REVIEW_COMMENTS); the last one's outcome is the room's status. The nine dinas and
# five kecamatan of the auction (12 and 13 November 2018) were all ready by 9 November;
# the follow-up session's units (Dinsos, Diskopum) in January 2019; Disnaker, DLH and
# Dispendukcapil, not yet auctioned, show the review workflow.
ROOMS = {
    "dindik": (S.READY, [("2018-11-01 10:05", "2018-11-05 14:30")]),
    "dinkes": (S.READY, [("2018-11-01 09:40", "2018-11-05 15:10")]),
    "disdag": (S.READY, [("2018-11-02 13:20", "2018-11-06 10:15")]),
    "dpmptsp": (S.READY, [("2018-11-02 08:55", "2018-11-06 13:20")]),
    # Returned once for a missing target, made ready with version 2.
    "disperin": (
        S.READY,
        [("2018-11-01 14:10", "2018-11-02 15:30"), ("2018-11-06 09:20", "2018-11-08 10:40")],
    ),
    "disbudpar": (S.READY, [("2018-11-05 11:15", "2018-11-07 09:45")]),
    "dpupr": (S.READY, [("2018-11-02 15:30", "2018-11-06 16:05")]),
    # Dishub's acting head (Plt., in office since 1 October 2018) submitted version 1
    # without a comparator for one indicator; version 2 added it.
    "dishub": (
        S.READY,
        [("2018-11-01 10:10", "2018-11-02 14:40"), ("2018-11-05 13:30", "2018-11-07 15:20")],
    ),
    "disperkim": (S.READY, [("2018-11-05 09:25", "2018-11-07 11:00")]),
    "kec-blimbing": (S.READY, [("2018-11-06 10:00", "2018-11-08 13:15")]),
    "kec-kedungkandang": (S.READY, [("2018-11-06 14:20", "2018-11-08 15:40")]),
    "kec-klojen": (S.READY, [("2018-11-07 09:05", "2018-11-09 10:30")]),
    "kec-lowokwaru": (S.READY, [("2018-11-07 13:50", "2018-11-09 15:20")]),
    "kec-sukun": (S.READY, [("2018-11-07 08:45", "2018-11-09 10:10")]),
    "dinsos": (S.READY, [("2019-01-03 09:30", "2019-01-08 14:00")]),
    "diskopum": (S.READY, [("2019-01-04 10:15", "2019-01-09 11:30")]),
    "disnaker": (S.RETURNED, [("2019-01-07 10:10", "2019-01-10 14:40")]),
    "dlh": (S.SUBMITTED, [("2019-01-11 13:20", None)]),
    "dispendukcapil": (S.DRAFT, []),
}

PROGRAMS = {  # opd code: [(name, budget in Rp, description[, kind])]
    "dindik": [
        (
            "Program Pendidikan Dasar",
            42_500_000_000,
            "Menuntaskan wajib belajar SD dan SMP, termasuk anak yang putus sekolah.",
        ),
        (
            "Program Pendidikan Anak Usia Dini",
            6_800_000_000,
            "Memperluas PAUD, terutama di kelurahan pinggiran, dan meningkatkan mutu pendidiknya.",
        ),
    ],
    "dinkes": [
        (
            "Program Kesehatan Ibu dan Anak",
            9_850_000_000,
            "Pemeriksaan kehamilan, persalinan di fasilitas kesehatan dan rujukan tepat waktu.",
        ),
        (
            "Program Perbaikan Gizi Masyarakat",
            4_200_000_000,
            "Pemantauan pertumbuhan balita, makanan tambahan dan tablet tambah darah.",
        ),
    ],
    "disdag": [
        (
            "Program Revitalisasi Pasar Rakyat",
            15_750_000_000,
            "Memperbaiki bangunan, sanitasi dan penataan pedagang di 26 pasar rakyat.",
        ),
        (
            "Program Stabilisasi Harga Bahan Pokok",
            2_300_000_000,
            "Pemantauan harga harian, operasi pasar dan tera ulang alat ukur.",
        ),
    ],
    "dpmptsp": [
        (
            "Program Peningkatan Pelayanan Perizinan",
            3_100_000_000,
            "Perizinan daring, standar waktu layanan dan penanganan pengaduan.",
        ),
        (
            "Program Peningkatan Iklim dan Promosi Investasi",
            1_850_000_000,
            "Promosi peluang investasi dan pendampingan penanam modal.",
        ),
    ],
    "disperin": [
        (
            "Program Pengembangan Industri Kecil dan Menengah",
            2_600_000_000,
            "Sertifikasi halal, SNI dan merek, pelatihan desain kemasan.",
        ),
        (
            "Program Pengembangan Sentra Industri",
            1_400_000_000,
            "Penataan sentra, peralatan bersama dan promosi produk.",
        ),
    ],
    "disbudpar": [
        (
            "Program Pengembangan Destinasi Pariwisata",
            6_200_000_000,
            "Kampung tematik, wisata heritage dan kalender acara.",
        ),
        (
            "Program Pelestarian Cagar Budaya",
            1_100_000_000,
            "Inventarisasi, kajian dan penetapan cagar budaya oleh Tim Ahli Cagar Budaya.",
        ),
    ],
    "dpupr": [
        (
            "Program Pembangunan dan Pemeliharaan Jalan dan Jembatan",
            48_500_000_000,
            "Pemeliharaan rutin dan berkala jalan kota serta rehabilitasi jembatan.",
        ),
        (
            "Program Pengendalian Banjir dan Drainase",
            22_000_000_000,
            "Normalisasi saluran, sumur resapan dan penanganan titik genangan.",
        ),
    ],
    "dishub": [
        (
            "Program Manajemen dan Rekayasa Lalu Lintas",
            12_400_000_000,
            "ATCS, rekayasa simpang dan penataan parkir di badan jalan.",
        ),
        (
            "Program Peningkatan Pelayanan Angkutan Umum",
            3_750_000_000,
            "Peremajaan angkutan kota dan penataan trayek.",
        ),
    ],
    "disperkim": [
        (
            "Program Penanganan Kawasan Permukiman Kumuh",
            18_600_000_000,
            "Jalan lingkungan, drainase, sanitasi dan rehabilitasi rumah di kawasan kumuh.",
        ),
        (
            "Program Pengelolaan Ruang Terbuka Hijau",
            9_300_000_000,
            "Pembangunan dan revitalisasi taman kota serta hutan kota.",
        ),
    ],
    "kec-blimbing": [
        (
            "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
            450_000_000,
            "Layanan administrasi di satu meja kecamatan dengan standar waktu.",
        ),
        (
            "Program Pemberdayaan Masyarakat dan Kampung Tematik",
            780_000_000,
            "Pendampingan kampung tematik dan tindak lanjut musrenbang kelurahan.",
        ),
    ],
    "kec-kedungkandang": [
        (
            "Gerakan Kader Pendamping Ibu Hamil Risiko Tinggi",
            520_000_000,
            (
                "Kader kelurahan mendampingi setiap ibu hamil risiko tinggi sejak terdata sampai "
                "42 hari setelah persalinan, bersama Puskesmas Kedungkandang, Arjowinangun dan "
                "Gribig."
            ),
            Program.Kind.INNOVATION,
        ),
        (
            "Program Sanitasi Berbasis Masyarakat",
            610_000_000,
            "Pemicuan stop buang air besar sembarangan dan jamban sehat.",
        ),
    ],
    "kec-klojen": [
        (
            "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
            380_000_000,
            "Layanan administrasi di satu meja kecamatan dengan standar waktu.",
        ),
        (
            "Program Ketertiban dan Penataan Kawasan",
            900_000_000,
            "Penataan pedagang kaki lima dan kawasan pusaka di pusat kota.",
        ),
    ],
    "kec-lowokwaru": [
        (
            "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
            420_000_000,
            (
                "Layanan administrasi di satu meja kecamatan, termasuk pendataan penduduk non "
                "permanen."
            ),
        ),
        (
            "Program Pengelolaan Sampah Berbasis Masyarakat",
            560_000_000,
            "Bank sampah kelurahan yang bekerja sama dengan Bank Sampah Malang.",
            Program.Kind.INNOVATION,
        ),
    ],
    "kec-sukun": [
        (
            "Program Pemberdayaan Posyandu",
            640_000_000,
            "Penguatan kader, alat ukur panjang badan dan pemantauan pertumbuhan balita.",
        ),
        (
            "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
            400_000_000,
            "Layanan administrasi di satu meja kecamatan dengan standar waktu.",
        ),
    ],
    "dinsos": [
        (
            "Program Perlindungan dan Jaminan Sosial",
            7_450_000_000,
            (
                "Pemutakhiran Data Terpadu Kesejahteraan Sosial (DTKS), verifikasi penerima "
                "bantuan sosial dan pendampingan keluarga penerima manfaat PKH."
            ),
        ),
        (
            "Program Pemberdayaan Sosial Keluarga Miskin",
            3_900_000_000,
            (
                "Kelompok Usaha Bersama (KUBE), pelatihan keterampilan dan pendampingan keluarga "
                "miskin menuju mandiri."
            ),
        ),
    ],
    "diskopum": [
        (
            "Program Pengembangan Kelembagaan Koperasi",
            2_150_000_000,
            (
                "Pembinaan rapat anggota tahunan, penilaian kesehatan dan penataan koperasi "
                "tidak aktif."
            ),
        ),
        (
            "Program Pemberdayaan Usaha Mikro",
            3_400_000_000,
            (
                "Pelatihan, pendampingan, akses permodalan dan pemasaran daring bagi usaha mikro, "
                "diutamakan usaha keluarga miskin."
            ),
        ),
    ],
    "disnaker": [
        (
            "Program Peningkatan Kesempatan Kerja",
            2_750_000_000,
            "Bursa kerja, layanan antarkerja dan informasi lowongan bagi pencari kerja terdaftar.",
        ),
        (
            "Program Peningkatan Kompetensi Tenaga Kerja",
            3_300_000_000,
            "Pelatihan berbasis kompetensi di UPT Balai Latihan Kerja dan uji sertifikasi.",
        ),
    ],
    "dlh": [
        (
            "Program Pengelolaan Persampahan",
            21_600_000_000,
            "Pengangkutan ke TPA Supit Urang, TPS 3R dan pembinaan bank sampah.",
        ),
        (
            "Program Pengendalian Pencemaran Lingkungan Hidup",
            1_750_000_000,
            "Pemantauan kualitas air sungai dan pengawasan pembuangan limbah usaha.",
        ),
    ],
    "dispendukcapil": [
        (
            "Program Penataan Administrasi Kependudukan",
            4_600_000_000,
            "Perekaman KTP-el, akta kelahiran, Kartu Identitas Anak dan layanan jemput bola.",
        ),
    ],
}

PATEN = "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)"
KECAMATAN_SERVICE = "Meningkatnya kualitas pelayanan publik di kecamatan"

# Each unit's strategic objectives (sasaran strategis), in order, with the programs
# whose indicators serve each one.
OBJECTIVES = {  # opd code: [(strategic objective, [program names])]
    "dindik": [
        (
            "Meningkatnya akses dan mutu pendidikan",
            ["Program Pendidikan Dasar", "Program Pendidikan Anak Usia Dini"],
        ),
    ],
    "dinkes": [
        ("Meningkatnya derajat kesehatan masyarakat", ["Program Kesehatan Ibu dan Anak"]),
        ("Meningkatnya status gizi masyarakat", ["Program Perbaikan Gizi Masyarakat"]),
    ],
    "disdag": [
        ("Meningkatnya kualitas sarana perdagangan", ["Program Revitalisasi Pasar Rakyat"]),
        (
            "Terjaganya stabilitas harga bahan pokok dan tertib ukur",
            ["Program Stabilisasi Harga Bahan Pokok"],
        ),
    ],
    "dpmptsp": [
        ("Meningkatnya kualitas pelayanan perizinan", ["Program Peningkatan Pelayanan Perizinan"]),
        ("Meningkatnya realisasi investasi", ["Program Peningkatan Iklim dan Promosi Investasi"]),
    ],
    "disperin": [
        (
            "Meningkatnya daya saing industri kecil dan menengah",
            [
                "Program Pengembangan Industri Kecil dan Menengah",
                "Program Pengembangan Sentra Industri",
            ],
        ),
    ],
    "disbudpar": [
        ("Meningkatnya kunjungan wisatawan", ["Program Pengembangan Destinasi Pariwisata"]),
        ("Terlestarikannya cagar budaya", ["Program Pelestarian Cagar Budaya"]),
    ],
    "dpupr": [
        (
            "Meningkatnya kemantapan jalan dan jembatan kota",
            ["Program Pembangunan dan Pemeliharaan Jalan dan Jembatan"],
        ),
        (
            "Berkurangnya genangan di kawasan perkotaan",
            ["Program Pengendalian Banjir dan Drainase"],
        ),
    ],
    "dishub": [
        (
            "Meningkatnya kelancaran dan keselamatan lalu lintas",
            ["Program Manajemen dan Rekayasa Lalu Lintas"],
        ),
        (
            "Meningkatnya kualitas pelayanan angkutan umum",
            ["Program Peningkatan Pelayanan Angkutan Umum"],
        ),
    ],
    "disperkim": [
        (
            "Meningkatnya kualitas lingkungan permukiman",
            ["Program Penanganan Kawasan Permukiman Kumuh"],
        ),
        ("Meningkatnya kualitas ruang publik kota", ["Program Pengelolaan Ruang Terbuka Hijau"]),
    ],
    "kec-blimbing": [
        (KECAMATAN_SERVICE, [PATEN]),
        (
            "Meningkatnya partisipasi masyarakat dalam pembangunan kelurahan",
            ["Program Pemberdayaan Masyarakat dan Kampung Tematik"],
        ),
    ],
    "kec-kedungkandang": [
        (
            "Meningkatnya peran serta masyarakat dalam kesehatan ibu",
            ["Gerakan Kader Pendamping Ibu Hamil Risiko Tinggi"],
        ),
        (
            "Terwujudnya lingkungan permukiman yang bersih dan sehat",
            ["Program Sanitasi Berbasis Masyarakat"],
        ),
    ],
    "kec-klojen": [
        (KECAMATAN_SERVICE, [PATEN]),
        (
            "Meningkatnya ketertiban dan keteraturan kawasan",
            ["Program Ketertiban dan Penataan Kawasan"],
        ),
    ],
    "kec-lowokwaru": [
        (KECAMATAN_SERVICE, [PATEN]),
        (
            "Meningkatnya peran serta masyarakat dalam pengelolaan sampah",
            ["Program Pengelolaan Sampah Berbasis Masyarakat"],
        ),
    ],
    "kec-sukun": [
        (
            "Meningkatnya peran serta masyarakat dalam kesehatan balita",
            ["Program Pemberdayaan Posyandu"],
        ),
        (KECAMATAN_SERVICE, [PATEN]),
    ],
    "dinsos": [
        (
            "Menurunnya persentase penduduk miskin",
            [
                "Program Perlindungan dan Jaminan Sosial",
                "Program Pemberdayaan Sosial Keluarga Miskin",
            ],
        ),
    ],
    "diskopum": [
        (
            "Meningkatnya kualitas kelembagaan koperasi",
            ["Program Pengembangan Kelembagaan Koperasi"],
        ),
        ("Meningkatnya daya saing usaha mikro", ["Program Pemberdayaan Usaha Mikro"]),
    ],
    "disnaker": [
        ("Menurunnya tingkat pengangguran terbuka", ["Program Peningkatan Kesempatan Kerja"]),
        ("Meningkatnya kompetensi tenaga kerja", ["Program Peningkatan Kompetensi Tenaga Kerja"]),
    ],
    "dlh": [
        ("Meningkatnya kinerja pengelolaan sampah", ["Program Pengelolaan Persampahan"]),
        (
            "Meningkatnya kualitas air sungai",
            ["Program Pengendalian Pencemaran Lingkungan Hidup"],
        ),
    ],
    "dispendukcapil": [
        (
            "Meningkatnya kepemilikan dokumen kependudukan",
            ["Program Penataan Administrasi Kependudukan"],
        ),
    ],
}

# (opd code, version): Bappeda's comments when it returned that version, each
# (indicator name, or None for the whole room, text).
REVIEW_COMMENTS = {
    ("dishub", 1): [
        (
            None,
            (
                "Secara umum program sudah sesuai RPJMD. Sebelum diajukan kembali, pastikan setiap "
                "indikator memiliki pembanding dan jelaskan dasar penetapan target 2023."
            ),
        ),
        (
            "Kecepatan rata-rata kendaraan di koridor utama pada jam sibuk",
            (
                "Tambahkan pembanding, misalnya rata-rata kota sedang di Jawa Timur, dan sumber "
                "baseline yang resmi."
            ),
        ),
    ],
    ("disperin", 1): [
        (
            "Nilai produksi sentra industri",
            (
                "Target 2023 belum diisi. Tetapkan target berdasarkan tren nilai produksi dua "
                "tahun terakhir dan rencana penataan sentra."
            ),
        ),
    ],
    ("disnaker", 1): [
        (
            None,
            (
                "Data pencari kerja per kecamatan sudah baik. Sebelum diajukan kembali, lengkapi "
                "pembanding setiap indikator dan jelaskan keterkaitannya dengan tema penurunan "
                "angka kemiskinan."
            ),
        ),
        (
            "Lulusan pelatihan berbasis kompetensi yang bekerja",
            (
                "Tambahkan pembanding, misalnya tingkat penempatan lulusan BLK di Jawa Timur, "
                "beserta sumbernya."
            ),
        ),
    ],
}

# One dict per indicator, grouped by unit. Polarity is "higher" and aggregation
# "last" unless given; baseline is (value, year, source), target (value, year) or
# None, comparators [(label, kind, value, year, source)], tables [(title, value
# column, source, rows)] where a row is (label, value) or (label, value, note),
# cases [(title, text)]. ``after_review``: what the unit added in version 2 after
# Bappeda returned version 1 (a "target" and/or more "comparators").
INDICATORS = [
    # --- Dinas Pendidikan ----------------------------------------------------------------
    {
        "opd": "dindik",
        "program": "Program Pendidikan Dasar",
        "name": "Angka Partisipasi Murni (APM) SD/MI",
        "definition": "Siswa SD/MI usia 7–12 tahun dibagi penduduk usia 7–12 tahun × 100.",
        "unit": "%",
        "data_source": "Dapodik dan EMIS Kemenag, direkap Dinas Pendidikan",
        "baseline": (96.8, 2017, "Dapodik 2017"),
        "target": (99.0, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                97.3,
                2017,
                "BPS Provinsi Jawa Timur, Statistik Pendidikan 2017",
            ),
            ("Kota Malang 2016", C.EARLIER, 96.5, 2016, "Dapodik 2016"),
        ],
        "tables": [
            (
                "Anak usia 7–12 tahun tidak bersekolah per kecamatan",
                "Anak",
                "Pendataan RT/RW dan Dapodik 2017",
                per_kecamatan(142, 236, 48, 117, 189),
            ),
        ],
    },
    {
        "opd": "dindik",
        "program": "Program Pendidikan Dasar",
        "name": "Angka Partisipasi Murni (APM) SMP/MTs",
        "definition": "Siswa SMP/MTs usia 13–15 tahun dibagi penduduk usia 13–15 tahun × 100.",
        "unit": "%",
        "data_source": "Dapodik dan EMIS Kemenag, direkap Dinas Pendidikan",
        "baseline": (81.4, 2017, "Dapodik 2017"),
        "target": (90.0, 2023),
        "comparators": [
            ("Kota Surabaya", C.REGION, 84.1, 2017, "BPS Kota Surabaya 2018"),
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                78.6,
                2017,
                "BPS Provinsi Jawa Timur, Statistik Pendidikan 2017",
            ),
        ],
        "tables": [
            (
                "Lulusan SD 2017 yang tidak melanjutkan ke SMP/MTs",
                "Anak",
                "Penelusuran lulusan oleh sekolah, 2017",
                per_kecamatan(96, 173, 31, 84, 142),
            ),
        ],
    },
    {
        "opd": "dindik",
        "program": "Program Pendidikan Dasar",
        "name": "Rata-rata siswa per rombongan belajar SD negeri",
        "definition": (
            "Jumlah siswa SD negeri dibagi jumlah rombongan belajar; standar 20–28 siswa."
        ),
        "unit": "siswa per rombel",
        "polarity": "range",
        "range": (20, 28),
        "aggregation": "average",
        "data_source": "Dapodik",
        "baseline": (30.6, 2017, "Dapodik 2017"),
        "target": (27.0, 2023),
        "comparators": [
            (
                "Standar nasional pendidikan (Permendikbud 17/2017)",
                C.STANDARD,
                28,
                2017,
                "Permendikbud Nomor 17 Tahun 2017",
            ),
        ],
        "tables": [
            (
                "SD negeri dengan rombel lebih dari 28 siswa",
                "Sekolah",
                "Dapodik 2017",
                per_kecamatan(14, 19, 6, 17, 15),
            ),
        ],
    },
    {
        "opd": "dindik",
        "program": "Program Pendidikan Anak Usia Dini",
        "name": "Angka Partisipasi Kasar (APK) PAUD",
        "definition": (
            "Anak yang mengikuti PAUD (TK, KB, TPA, SPS) dibagi penduduk usia 3–6 tahun × 100."
        ),
        "unit": "%",
        "data_source": "Dapodik PAUD",
        "baseline": (72.5, 2017, "Dapodik PAUD 2017"),
        "target": (85.0, 2023),
        "comparators": [
            ("Nasional", C.NATIONAL, 71.9, 2017, "Kemendikbud, Statistik PAUD 2017/2018")
        ],
        "cases": [
            (
                "PAUD di posyandu Kelurahan Bumiayu (contoh)",
                (
                    "Satuan PAUD sejenis (SPS) menumpang jadwal posyandu dua kali seminggu; dalam "
                    "setahun 38 anak yang sebelumnya tidak ber-PAUD ikut kelas. Kendalanya honor "
                    "pendidik yang hanya dari iuran orang tua."
                ),
            ),
        ],
    },
    {
        "opd": "dindik",
        "program": "Program Pendidikan Anak Usia Dini",
        "name": "Pendidik PAUD berkualifikasi S1/D4",
        "definition": "Pendidik PAUD berijazah S1/D4 dibagi seluruh pendidik PAUD × 100.",
        "unit": "%",
        "data_source": "Dapodik PAUD",
        "baseline": (46.2, 2017, "Dapodik PAUD 2017"),
        "target": (75.0, 2023),
        "comparators": [("Kota Malang 2016", C.EARLIER, 41.0, 2016, "Dapodik PAUD 2016")],
        "tables": [
            (
                "Pendidik PAUD belum S1/D4 per kecamatan",
                "Orang",
                "Dapodik PAUD 2017",
                per_kecamatan(212, 268, 97, 231, 244),
            ),
        ],
    },
    # --- Dinas Kesehatan -----------------------------------------------------------------
    {
        "opd": "dinkes",
        "program": "Program Kesehatan Ibu dan Anak",
        "name": "Angka Kematian Ibu (AKI)",
        "definition": "Kematian ibu saat hamil, bersalin dan nifas per 100.000 kelahiran hidup.",
        "unit": "per 100.000 kelahiran hidup",
        "polarity": "lower",
        # Reported each quarter as deaths (numerator) and live births (denominator).
        "aggregation": "ratio",
        "ratio_per": 100000,
        "theme": "penurunan-aki",
        "data_source": (
            "Audit Maternal Perinatal puskesmas dan rumah sakit, direkap Dinas Kesehatan"
        ),
        "baseline": (53.6, 2017, "Profil Kesehatan Kota Malang 2017"),
        "target": (40.0, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                91.9,
                2017,
                "Profil Kesehatan Provinsi Jawa Timur 2017",
            ),
            ("Nasional", C.NATIONAL, 305, 2015, "Survei Penduduk Antar Sensus (SUPAS) 2015"),
            ("Kota Malang 2016", C.EARLIER, 61.2, 2016, "Profil Kesehatan Kota Malang 2016"),
        ],
        "tables": [
            (
                "Ibu hamil per kecamatan",
                "Ibu hamil",
                "Sasaran ibu hamil, Dinas Kesehatan 2017",
                per_kecamatan(2950, 3310, 1540, 2880, 3120),
            ),
            (
                "Kematian ibu per kecamatan",
                "Kematian",
                "Audit Maternal Perinatal 2017",
                [
                    ("Blimbing", 1),
                    ("Kedungkandang", 3, "dua di antaranya terlambat dirujuk"),
                    ("Klojen", 0),
                    ("Lowokwaru", 1),
                    ("Sukun", 2),
                ],
            ),
        ],
        "cases": [
            (
                "Kematian ibu di Kelurahan Kotalama, 2017 (contoh)",
                (
                    "Ibu 38 tahun, kehamilan keempat, tekanan darah tinggi yang tidak terpantau "
                    "sejak bulan ketujuh. Tiba di rumah sakit dalam keadaan kejang (eklamsia). "
                    "Audit menyimpulkan: terlambat mengenali tanda bahaya dan terlambat merujuk."
                ),
            ),
        ],
    },
    {
        "opd": "dinkes",
        "program": "Program Kesehatan Ibu dan Anak",
        "name": "Angka Kematian Bayi (AKB)",
        "definition": "Kematian bayi usia di bawah satu tahun per 1.000 kelahiran hidup.",
        "unit": "per 1.000 kelahiran hidup",
        "polarity": "lower",
        "data_source": "Laporan kematian bayi puskesmas dan rumah sakit",
        "baseline": (6.8, 2017, "Profil Kesehatan Kota Malang 2017"),
        "target": (5.0, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                23.1,
                2017,
                "Profil Kesehatan Provinsi Jawa Timur 2017",
            ),
            ("Kota Surabaya", C.REGION, 6.5, 2017, "Profil Kesehatan Kota Surabaya 2017"),
        ],
        "tables": [
            (
                "Kematian bayi menurut penyebab",
                "Kematian",
                "Laporan kematian bayi 2017",
                [
                    ("Berat badan lahir rendah", 31),
                    ("Asfiksia", 24),
                    ("Kelainan bawaan", 13),
                    ("Infeksi", 11),
                    ("Lainnya", 10),
                ],
            ),
        ],
    },
    {
        "opd": "dinkes",
        "program": "Program Kesehatan Ibu dan Anak",
        "name": "Cakupan persalinan di fasilitas kesehatan",
        "definition": (
            "Persalinan yang ditolong tenaga kesehatan di fasilitas kesehatan dibagi seluruh "
            "persalinan × 100."
        ),
        "unit": "%",
        "theme": "penurunan-aki",
        "data_source": "PWS-KIA puskesmas",
        "baseline": (97.8, 2017, "Profil Kesehatan Kota Malang 2017"),
        "target": (100.0, 2023),
        "comparators": [
            ("SPM bidang kesehatan", C.STANDARD, 100, 2016, "Permenkes Nomor 43 Tahun 2016")
        ],
        "tables": [
            (
                "Ibu hamil usia kehamilan 8 bulan",
                "Ibu hamil",
                "Kohort ibu puskesmas, November 2018",
                [
                    ("Blimbing", 248, "5 belum punya rencana persalinan"),
                    ("Kedungkandang", 281, "14 belum punya rencana persalinan"),
                    ("Klojen", 127, "2 belum punya rencana persalinan"),
                    ("Lowokwaru", 236, "6 belum punya rencana persalinan"),
                    ("Sukun", 262, "9 belum punya rencana persalinan"),
                ],
            ),
        ],
    },
    {
        "opd": "dinkes",
        "program": "Program Perbaikan Gizi Masyarakat",
        "name": "Prevalensi stunting balita",
        "definition": (
            "Balita dengan tinggi badan menurut umur di bawah −2 SD dibagi balita yang diukur × "
            "100."
        ),
        "unit": "%",
        "polarity": "lower",
        "theme": "penanganan-stunting",
        "data_source": "Bulan penimbangan balita (Februari dan Agustus)",
        "baseline": (22.1, 2017, "Pemantauan Status Gizi Kota Malang 2017"),
        "target": (14.0, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                26.7,
                2017,
                "Pemantauan Status Gizi 2017, Kemenkes",
            ),
            ("Nasional", C.NATIONAL, 29.6, 2017, "Pemantauan Status Gizi 2017, Kemenkes"),
        ],
        "tables": [
            (
                "Keluarga pra-sejahtera",
                "Keluarga",
                "Pendataan keluarga BKKBN 2017",
                per_kecamatan(2315, 4870, 912, 1986, 3604),
            ),
            (
                "Wilayah rawan gizi",
                "Balita stunting (%)",
                "Bulan penimbangan Agustus 2017",
                [
                    ("Kotalama", 31.2, "Kec. Kedungkandang"),
                    ("Mergosono", 29.8, "Kec. Kedungkandang"),
                    ("Bandungrejosari", 28.4, "Kec. Sukun"),
                    ("Tlogowaru", 27.6, "Kec. Kedungkandang"),
                    ("Jodipan", 27.1, "Kec. Blimbing"),
                    ("Polowijen", 26.0, "Kec. Blimbing"),
                    ("Ciptomulyo", 25.7, "Kec. Sukun"),
                    ("Tlogomas", 24.9, "Kec. Lowokwaru"),
                ],
            ),
        ],
    },
    {
        "opd": "dinkes",
        "program": "Program Perbaikan Gizi Masyarakat",
        "name": "Ibu hamil yang mendapat 90 tablet tambah darah",
        "definition": (
            "Ibu hamil yang menerima sedikitnya 90 tablet tambah darah dibagi seluruh ibu hamil × "
            "100."
        ),
        "unit": "%",
        "theme": "penanganan-stunting",
        "data_source": "PWS-KIA puskesmas",
        "baseline": (84.3, 2017, "Profil Kesehatan Kota Malang 2017"),
        "target": (98.0, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                87.1,
                2017,
                "Profil Kesehatan Provinsi Jawa Timur 2017",
            ),
        ],
        "cases": [
            (
                "Tablet tambah darah yang tidak diminum (contoh)",
                (
                    "Kunjungan rumah oleh kader di Kelurahan Mergosono menemukan separuh ibu hamil "
                    "menyimpan tablet tanpa meminumnya karena mual. Puskesmas kini menyarankan "
                    "minum malam hari dan kader mencatat kepatuhan tiap minggu."
                ),
            ),
        ],
    },
    # --- Dinas Perdagangan -----------------------------------------------------------------
    {
        "opd": "disdag",
        "program": "Program Revitalisasi Pasar Rakyat",
        "name": "Pasar rakyat dalam kondisi baik",
        "definition": (
            "Pasar rakyat milik pemerintah kota dengan bangunan, sanitasi dan drainase layak "
            "dibagi seluruh pasar rakyat (26) × 100."
        ),
        "unit": "%",
        "data_source": "Penilaian kondisi pasar oleh Dinas Perdagangan",
        "baseline": (42.3, 2017, "Laporan Kondisi Pasar Dinas Perdagangan 2017"),
        "target": (80.8, 2023),
        "comparators": [("Kota Surabaya", C.REGION, 55.0, 2017, "LKjIP Kota Surabaya 2017")],
        "tables": [
            (
                "Pasar dalam kondisi baik per kecamatan",
                "Pasar",
                "Laporan Kondisi Pasar 2017",
                [
                    ("Blimbing", 2, "dari 5 pasar"),
                    ("Kedungkandang", 2, "dari 6 pasar"),
                    ("Klojen", 4, "dari 7 pasar, termasuk Pasar Besar"),
                    ("Lowokwaru", 2, "dari 5 pasar"),
                    ("Sukun", 1, "dari 3 pasar"),
                ],
            ),
        ],
    },
    {
        "opd": "disdag",
        "program": "Program Revitalisasi Pasar Rakyat",
        "name": "Pendapatan retribusi pelayanan pasar",
        "definition": "Realisasi retribusi pelayanan pasar dalam setahun.",
        "unit": "Rp juta",
        "aggregation": "cumulative",
        "data_source": "Laporan Realisasi Anggaran",
        "baseline": (11_240, 2017, "Laporan Realisasi Anggaran Kota Malang 2017"),
        "target": (16_500, 2023),
        "comparators": [
            (
                "Kota Malang 2016",
                C.EARLIER,
                10_480,
                2016,
                "Laporan Realisasi Anggaran Kota Malang 2016",
            ),
        ],
        "cases": [
            (
                "Pasar Blimbing (contoh)",
                (
                    "Selama pembangunan kembali, pedagang menempati pasar sementara dan retribusi "
                    "turun sekitar 40%. Target memperhitungkan kembalinya pedagang ke gedung baru "
                    "mulai 2020."
                ),
            ),
        ],
    },
    {
        "opd": "disdag",
        "program": "Program Stabilisasi Harga Bahan Pokok",
        "name": "Koefisien variasi harga beras medium",
        "definition": (
            "Simpangan baku harga harian beras medium dibagi rata-ratanya dalam setahun × 100."
        ),
        "unit": "%",
        "polarity": "lower",
        "data_source": "Siskaperbapo (pemantauan harga harian)",
        "baseline": (4.8, 2017, "Siskaperbapo Jawa Timur 2017"),
        "target": (3.0, 2023),
        "comparators": [
            ("Rata-rata Jawa Timur", C.PROVINCE, 5.6, 2017, "Siskaperbapo Jawa Timur 2017")
        ],
        "tables": [
            (
                "Harga rata-rata beras medium per pasar, Desember 2017",
                "Rp/kg",
                "Siskaperbapo",
                [
                    ("Pasar Besar", 10_250),
                    ("Pasar Blimbing", 10_300),
                    ("Pasar Oro-oro Dowo", 10_600),
                    ("Pasar Dinoyo", 10_200),
                    ("Pasar Gadang", 10_150),
                ],
            ),
        ],
    },
    {
        "opd": "disdag",
        "program": "Program Stabilisasi Harga Bahan Pokok",
        "name": "Alat UTTP yang ditera ulang",
        "definition": (
            "Alat ukur, takar, timbang dan perlengkapannya (UTTP) dengan tanda tera sah dibagi "
            "UTTP terdata × 100."
        ),
        "unit": "%",
        "data_source": "UPT Metrologi Legal",
        "baseline": (68.5, 2017, "Data UPT Metrologi Legal 2017"),
        "target": (95.0, 2023),
        "comparators": [
            ("Kriteria Daerah Tertib Ukur", C.STANDARD, 90, 2017, "Kementerian Perdagangan")
        ],
        "tables": [
            (
                "UTTP terdata per jenis",
                "Unit",
                "Data UPT Metrologi Legal 2017",
                [
                    ("Timbangan meja", 6420),
                    ("Timbangan pegas", 3180),
                    ("Timbangan sentisimal", 1250),
                    ("Pompa ukur BBM", 412),
                ],
            ),
        ],
    },
    # --- DPMPTSP -------------------------------------------------------------------------
    {
        "opd": "dpmptsp",
        "program": "Program Peningkatan Pelayanan Perizinan",
        "name": "Rata-rata waktu penyelesaian izin",
        "definition": (
            "Rata-rata hari kerja sejak berkas lengkap sampai izin terbit, seluruh jenis izin."
        ),
        "unit": "hari kerja",
        "polarity": "lower",
        "aggregation": "average",
        "data_source": "Aplikasi perizinan DPMPTSP",
        "baseline": (9.4, 2017, "Laporan Tahunan DPMPTSP 2017"),
        "target": (3.0, 2023),
        "comparators": [
            ("Kota Surabaya", C.REGION, 5.0, 2017, "Laporan Surabaya Single Window 2017")
        ],
        "tables": [
            (
                "Izin terbit per jenis, 2017",
                "Izin",
                "Laporan Tahunan DPMPTSP 2017",
                [
                    ("Izin Mendirikan Bangunan", 2180, "rata-rata 14 hari kerja"),
                    ("Surat Izin Usaha Perdagangan", 3460, "rata-rata 3 hari kerja"),
                    ("Tanda Daftar Perusahaan", 3120, "rata-rata 3 hari kerja"),
                    ("Izin gangguan (HO)", 1540, "rata-rata 10 hari kerja"),
                    ("Izin reklame", 980, "rata-rata 7 hari kerja"),
                ],
            ),
        ],
    },
    {
        "opd": "dpmptsp",
        "program": "Program Peningkatan Pelayanan Perizinan",
        "name": "Indeks Kepuasan Masyarakat layanan perizinan",
        "definition": "Nilai survei kepuasan masyarakat menurut Permenpan-RB 14/2017, skala 0–100.",
        "unit": "indeks",
        "data_source": "Survei kepuasan masyarakat semesteran",
        "baseline": (78.6, 2017, "Survei IKM DPMPTSP 2017"),
        "target": (88.0, 2023),
        "comparators": [("Kota Malang 2016", C.EARLIER, 76.9, 2016, "Survei IKM DPMPTSP 2016")],
        "cases": [
            (
                "Antrean loket IMB (contoh)",
                (
                    "Pemohon IMB rata-rata datang tiga kali karena berkas teknis dikembalikan. "
                    "Daftar periksa di laman dan konsultasi teknis sebelum pengajuan diuji sejak "
                    "Oktober 2018."
                ),
            ),
        ],
    },
    {
        "opd": "dpmptsp",
        "program": "Program Peningkatan Iklim dan Promosi Investasi",
        "name": "Realisasi investasi PMA dan PMDN",
        "definition": (
            "Nilai realisasi penanaman modal asing dan dalam negeri menurut LKPM dalam setahun."
        ),
        "unit": "Rp miliar",
        "aggregation": "cumulative",
        "data_source": "Laporan Kegiatan Penanaman Modal (LKPM)",
        "baseline": (1842.5, 2017, "LKPM BKPM 2017"),
        "target": (3000.0, 2023),
        "comparators": [("Kota Batu", C.REGION, 1250.0, 2017, "LKPM BKPM 2017")],
        "tables": [
            (
                "Realisasi investasi per sektor, 2017",
                "Rp miliar",
                "LKPM BKPM 2017",
                [
                    ("Perdagangan dan reparasi", 612.4),
                    ("Hotel dan restoran", 498.0),
                    ("Industri makanan", 321.7),
                    ("Perumahan dan kawasan", 286.9),
                    ("Lainnya", 123.5),
                ],
            ),
        ],
    },
    # --- Dinas Perindustrian: version 1 lacked a target, returned; version 2 ready --------
    {
        "opd": "disperin",
        "program": "Program Pengembangan Industri Kecil dan Menengah",
        "name": "IKM bersertifikat halal, SNI atau merek terdaftar",
        "definition": (
            "Jumlah industri kecil dan menengah yang memegang sedikitnya satu sertifikat tersebut."
        ),
        "unit": "unit usaha",
        "data_source": "Basis data IKM Dinas Perindustrian",
        "baseline": (214, 2017, "Basis data IKM Dinas Perindustrian 2017"),
        "target": (900, 2023),
        "comparators": [
            ("Kota Malang 2016", C.EARLIER, 158, 2016, "Basis data IKM Dinas Perindustrian 2016")
        ],
        "tables": [
            (
                "IKM bersertifikat per sentra, 2017",
                "Unit usaha",
                "Basis data IKM 2017",
                [
                    ("Sentra keripik tempe Sanan", 46),
                    ("Sentra keramik Dinoyo", 12),
                    ("Sentra gerabah Penanggungan", 5),
                    ("Sentra rotan Balearjosari", 9),
                    ("Sentra mebel Tunjungsekar", 14),
                    ("Di luar sentra", 128),
                ],
            ),
        ],
    },
    {
        "opd": "disperin",
        "program": "Program Pengembangan Industri Kecil dan Menengah",
        "name": "Pertumbuhan jumlah IKM",
        "definition": "(IKM tahun ini − IKM tahun lalu) dibagi IKM tahun lalu × 100.",
        "unit": "%",
        "data_source": "Basis data IKM Dinas Perindustrian",
        "baseline": (3.2, 2017, "Basis data IKM Dinas Perindustrian 2017"),
        "target": (5.0, 2023),
        "comparators": [
            ("Rata-rata Jawa Timur", C.PROVINCE, 4.1, 2017, "BPS Provinsi Jawa Timur 2018")
        ],
        "cases": [
            (
                "Sentra Keripik Tempe Sanan (contoh)",
                (
                    "Sekitar 600 perajin; separuh belum memiliki izin edar PIRT sehingga sulit "
                    "masuk toko modern. Pendampingan PIRT dan halal dimulai 2018."
                ),
            ),
        ],
    },
    {
        "opd": "disperin",
        "program": "Program Pengembangan Sentra Industri",
        "name": "Nilai produksi sentra industri",
        "definition": "Nilai produksi seluruh sentra industri dalam setahun.",
        "unit": "Rp miliar",
        "aggregation": "cumulative",
        "data_source": "Pendataan sentra oleh Dinas Perindustrian",
        "baseline": (186.4, 2017, "Pendataan sentra Dinas Perindustrian 2017"),
        "target": None,  # missing in version 1; Bappeda returned it
        "after_review": {"target": (240.0, 2023)},
        "comparators": [
            (
                "Kota Malang 2016",
                C.EARLIER,
                172.9,
                2016,
                "Pendataan sentra Dinas Perindustrian 2016",
            ),
        ],
        "tables": [
            (
                "Nilai produksi per sentra, 2017",
                "Rp miliar",
                "Pendataan sentra 2017",
                [
                    ("Keripik tempe Sanan", 72.8),
                    ("Mebel Tunjungsekar", 48.5),
                    ("Rotan Balearjosari", 31.2),
                    ("Keramik Dinoyo", 21.6),
                    ("Gerabah Penanggungan", 12.3),
                ],
            ),
        ],
    },
    {
        "opd": "disperin",
        "program": "Program Pengembangan Sentra Industri",
        "name": "Tenaga kerja di sentra industri",
        "definition": "Jumlah pekerja di seluruh sentra industri pada akhir tahun.",
        "unit": "orang",
        "data_source": "Pendataan sentra oleh Dinas Perindustrian",
        "baseline": (4830, 2017, "Pendataan sentra Dinas Perindustrian 2017"),
        "target": (5600, 2023),
        "comparators": [
            (
                "Kota Malang 2016",
                C.EARLIER,
                4710,
                2016,
                "Pendataan sentra Dinas Perindustrian 2016",
            ),
        ],
        "tables": [
            (
                "Tenaga kerja per sentra, 2017",
                "Orang",
                "Pendataan sentra 2017",
                [
                    ("Keripik tempe Sanan", 1850),
                    ("Mebel Tunjungsekar", 1120),
                    ("Rotan Balearjosari", 860),
                    ("Keramik Dinoyo", 640),
                    ("Gerabah Penanggungan", 360),
                ],
            ),
        ],
    },
    # --- Dinas Kebudayaan dan Pariwisata -------------------------------------------------
    {
        "opd": "disbudpar",
        "program": "Program Pengembangan Destinasi Pariwisata",
        "name": "Kunjungan wisatawan nusantara",
        "definition": (
            "Jumlah kunjungan wisatawan domestik ke hotel dan daya tarik wisata dalam setahun."
        ),
        "unit": "orang",
        "aggregation": "cumulative",
        "data_source": "Laporan hotel dan pengelola daya tarik wisata",
        "baseline": (4_120_600, 2017, "Data kunjungan Disbudpar 2017"),
        "target": (5_500_000, 2023),
        "comparators": [
            ("Kota Batu", C.REGION, 3_650_000, 2017, "Dinas Pariwisata Kota Batu 2017")
        ],
        "tables": [
            (
                "Kunjungan per daya tarik wisata, 2017",
                "Kunjungan",
                "Pengelola daya tarik wisata",
                [
                    ("Kampung Warna-Warni Jodipan", 312_000),
                    ("Kampung Tridi Kesatrian", 154_000),
                    ("Museum Brawijaya", 96_500),
                    ("Hutan Kota Malabar", 88_000),
                    ("Kampung Budaya Polowijen", 21_400),
                ],
            ),
        ],
    },
    {
        "opd": "disbudpar",
        "program": "Program Pengembangan Destinasi Pariwisata",
        "name": "Kunjungan wisatawan mancanegara",
        "definition": "Jumlah tamu asing di hotel berbintang dan nonbintang dalam setahun.",
        "unit": "orang",
        "aggregation": "cumulative",
        "data_source": "Statistik hotel BPS Kota Malang",
        "baseline": (12_450, 2017, "BPS Kota Malang 2018"),
        "target": (20_000, 2023),
        "comparators": [("Kota Malang 2016", C.EARLIER, 11_380, 2016, "BPS Kota Malang 2017")],
        "tables": [
            (
                "Wisatawan mancanegara menurut asal, 2017",
                "Orang",
                "BPS Kota Malang 2018",
                [
                    ("Belanda", 3210),
                    ("Malaysia", 2480),
                    ("Tiongkok", 1690),
                    ("Singapura", 1120),
                    ("Australia", 980),
                    ("Lainnya", 2970),
                ],
            ),
        ],
    },
    {
        "opd": "disbudpar",
        "program": "Program Pengembangan Destinasi Pariwisata",
        "name": "Rata-rata lama menginap tamu hotel",
        "definition": "Malam menginap dibagi jumlah tamu hotel.",
        "unit": "hari",
        "aggregation": "average",
        "data_source": "Statistik hotel BPS Kota Malang",
        "baseline": (1.62, 2017, "BPS Kota Malang 2018"),
        "target": (2.0, 2023),
        "comparators": [
            ("Rata-rata Jawa Timur", C.PROVINCE, 1.75, 2017, "BPS Provinsi Jawa Timur 2018")
        ],
        "cases": [
            (
                "Paket dua hari Kayutangan–Jodipan (contoh)",
                (
                    "Uji coba paket jalan kaki heritage Kayutangan di hari pertama dan kampung "
                    "tematik di hari kedua bersama empat hotel; 60% peserta menambah satu malam."
                ),
            ),
        ],
    },
    {
        "opd": "disbudpar",
        "program": "Program Pelestarian Cagar Budaya",
        "name": "Objek cagar budaya yang ditetapkan",
        "definition": (
            "Jumlah objek yang ditetapkan sebagai cagar budaya dengan Keputusan Wali Kota."
        ),
        "unit": "objek",
        "data_source": "Register cagar budaya Kota Malang",
        "baseline": (29, 2017, "Register cagar budaya Kota Malang 2017"),
        "target": (80, 2023),
        "comparators": [
            ("Kota Surabaya", C.REGION, 273, 2017, "Dinas Kebudayaan dan Pariwisata Kota Surabaya")
        ],
        "tables": [
            (
                "Objek diduga cagar budaya per kecamatan",
                "Objek",
                "Inventarisasi Tim Ahli Cagar Budaya 2017",
                per_kecamatan(21, 12, 143, 18, 9),
            ),
        ],
    },
    # --- Dinas Pekerjaan Umum dan Penataan Ruang -----------------------------------------
    {
        "opd": "dpupr",
        "program": "Program Pembangunan dan Pemeliharaan Jalan dan Jembatan",
        "name": "Jalan kota dalam kondisi mantap",
        "definition": (
            "Panjang jalan kota berkondisi baik dan sedang dibagi panjang jalan kota × 100."
        ),
        "unit": "%",
        "data_source": "Survei kondisi jalan (IRI) DPUPR",
        "baseline": (78.4, 2017, "Data Kondisi Jalan DPUPR 2017"),
        "target": (92.0, 2023),
        "comparators": [("Kota Surabaya", C.REGION, 89.6, 2017, "LKjIP Kota Surabaya 2017")],
        "tables": [
            (
                "Kondisi jalan kota, 2017",
                "km",
                "Data Kondisi Jalan DPUPR 2017",
                [("Baik", 412.6), ("Sedang", 198.3), ("Rusak ringan", 96.1), ("Rusak berat", 72.4)],
            ),
        ],
    },
    {
        "opd": "dpupr",
        "program": "Program Pembangunan dan Pemeliharaan Jalan dan Jembatan",
        "name": "Jembatan kota dalam kondisi baik",
        "definition": "Jembatan kota berkondisi baik dibagi seluruh jembatan kota × 100.",
        "unit": "%",
        "data_source": "Inspeksi jembatan DPUPR",
        "baseline": (81.0, 2017, "Data Kondisi Jembatan DPUPR 2017"),
        "target": (95.0, 2023),
        "comparators": [
            ("Kota Malang 2016", C.EARLIER, 79.0, 2016, "Data Kondisi Jembatan DPUPR 2016")
        ],
        "cases": [
            (
                "Jembatan di Jalan Muharto, Kotalama (contoh)",
                (
                    "Gerusan di pangkal jembatan setelah banjir Februari 2017; dibatasi untuk "
                    "kendaraan di bawah 8 ton sampai rehabilitasi."
                ),
            ),
        ],
    },
    {
        "opd": "dpupr",
        "program": "Program Pengendalian Banjir dan Drainase",
        "name": "Titik genangan di jalan kota",
        "definition": "Titik genangan lebih dari 30 cm yang surut lebih dari 2 jam setelah hujan.",
        "unit": "titik",
        "polarity": "lower",
        "data_source": "Pemantauan genangan DPUPR dan laporan warga",
        "baseline": (38, 2017, "Laporan Genangan DPUPR 2017"),
        "target": (10, 2023),
        "comparators": [("Kota Malang 2016", C.EARLIER, 42, 2016, "Laporan Genangan DPUPR 2016")],
        "tables": [
            (
                "Titik genangan per kecamatan",
                "Titik",
                "Laporan Genangan DPUPR 2017",
                [
                    ("Blimbing", 9),
                    ("Kedungkandang", 7),
                    ("Klojen", 8),
                    ("Lowokwaru", 10, "antara lain Jl. Soekarno-Hatta"),
                    ("Sukun", 4),
                ],
            ),
        ],
    },
    {
        "opd": "dpupr",
        "program": "Program Pengendalian Banjir dan Drainase",
        "name": "Saluran drainase yang berfungsi baik",
        "definition": (
            "Panjang saluran drainase kota tanpa sedimentasi atau sumbatan dibagi panjang saluran "
            "× 100."
        ),
        "unit": "%",
        "data_source": "Inventarisasi drainase DPUPR",
        "baseline": (64.5, 2017, "Inventarisasi Drainase DPUPR 2017"),
        "target": (85.0, 2023),
        "comparators": [("Kota Surabaya", C.REGION, 72.0, 2017, "LKjIP Kota Surabaya 2017")],
        "cases": [
            (
                "Saluran Jalan Bondowoso (contoh)",
                (
                    "Penampang saluran menyempit karena tertutup bangunan toko; genangan setinggi "
                    "40 cm bertahan tiga jam. Pembongkaran penutup saluran disepakati dengan "
                    "warga."
                ),
            ),
        ],
    },
    # --- Dinas Perhubungan: version 1 lacked a comparator, returned; version 2 ready ------
    {
        "opd": "dishub",
        "program": "Program Manajemen dan Rekayasa Lalu Lintas",
        "name": "Kecepatan rata-rata kendaraan di koridor utama pada jam sibuk",
        "definition": (
            "Rata-rata kecepatan tempuh kendaraan pada enam koridor utama, pukul 06.30–08.00."
        ),
        "unit": "km/jam",
        "aggregation": "average",
        "data_source": "Survei kecepatan tempuh Dinas Perhubungan",
        "baseline": (18.6, 2017, "Survei internal Dishub 2017"),
        "target": (25.0, 2023),
        "comparators": [],  # missing in version 1: what Bappeda's comment asked for
        "after_review": {
            "comparators": [
                (
                    "Rata-rata kota sedang di Jawa Timur",
                    C.PROVINCE,
                    21.4,
                    2017,
                    "Dinas Perhubungan Provinsi Jawa Timur, Kajian Kinerja Lalu Lintas 2017",
                ),
            ],
        },
        "tables": [
            (
                "Kecepatan rata-rata per koridor, jam sibuk pagi 2017",
                "km/jam",
                "Survei internal Dishub 2017",
                [
                    ("Jl. Soekarno-Hatta", 15.2),
                    ("Jl. Ahmad Yani", 17.8),
                    ("Jl. Letjen S. Parman", 19.4),
                    ("Jl. Kolonel Sugiono", 18.1),
                    ("Jl. Veteran", 16.9),
                    ("Jl. Mayjen Sungkono", 24.2),
                ],
            ),
        ],
    },
    {
        "opd": "dishub",
        "program": "Program Manajemen dan Rekayasa Lalu Lintas",
        "name": "Simpang bersinyal yang terhubung ATCS",
        "definition": (
            "Simpang bersinyal yang dikendalikan dari pusat ATCS dibagi seluruh simpang bersinyal "
            "× 100."
        ),
        "unit": "%",
        "data_source": "Inventarisasi APILL Dinas Perhubungan",
        "baseline": (34.2, 2017, "Inventarisasi APILL Dinas Perhubungan 2017"),
        "target": (80.0, 2023),
        "comparators": [
            ("Kota Surabaya", C.REGION, 78.0, 2017, "Dinas Perhubungan Kota Surabaya 2017")
        ],
        "tables": [
            (
                "Simpang bersinyal per kecamatan",
                "Simpang",
                "Inventarisasi APILL 2017",
                [
                    ("Blimbing", 9, "3 terhubung ATCS"),
                    ("Kedungkandang", 5, "1 terhubung"),
                    ("Klojen", 13, "6 terhubung"),
                    ("Lowokwaru", 8, "3 terhubung"),
                    ("Sukun", 3, "tidak ada yang terhubung"),
                ],
            ),
        ],
    },
    {
        "opd": "dishub",
        "program": "Program Manajemen dan Rekayasa Lalu Lintas",
        "name": "Kecelakaan lalu lintas",
        "definition": (
            "Jumlah kejadian kecelakaan lalu lintas yang tercatat kepolisian dalam setahun."
        ),
        "unit": "kasus",
        "polarity": "lower",
        "aggregation": "cumulative",
        "data_source": "Satlantas Polres Malang Kota",
        "baseline": (412, 2017, "Satlantas Polres Malang Kota 2017"),
        "target": (300, 2023),
        "comparators": [
            ("Kota Malang 2016", C.EARLIER, 438, 2016, "Satlantas Polres Malang Kota 2016")
        ],
        "cases": [
            (
                "Simpang Jalan Borobudur (contoh)",
                (
                    "Sebelas kecelakaan dalam 2017, sebagian besar sepeda motor yang menerobos "
                    "saat lampu kuning. Usulan: penambahan waktu semua merah dan kamera."
                ),
            ),
        ],
    },
    {
        "opd": "dishub",
        "program": "Program Peningkatan Pelayanan Angkutan Umum",
        "name": "Rata-rata keterisian angkutan kota (load factor)",
        "definition": "Penumpang terangkut dibagi kapasitas tempat duduk yang ditawarkan × 100.",
        "unit": "%",
        "aggregation": "average",
        "data_source": "Survei statis dan dinamis angkutan kota",
        "baseline": (38.0, 2017, "Survei Angkutan Kota Dishub 2017"),
        "target": (60.0, 2023),
        "comparators": [
            (
                "Standar pelayanan minimal angkutan orang",
                C.STANDARD,
                70,
                2013,
                "Permenhub Nomor PM 98 Tahun 2013",
            ),
        ],
        "tables": [
            (
                "Load factor per trayek, 2017",
                "%",
                "Survei Angkutan Kota Dishub 2017",
                [
                    ("AMG (Arjosari–Mulyorejo–Gadang)", 41),
                    ("ADL (Arjosari–Dinoyo–Landungsari)", 46),
                    ("GL (Gadang–Landungsari)", 35),
                    ("MM (Madyopuro–Mulyorejo)", 29),
                ],
            ),
        ],
    },
    # --- Dinas Perumahan dan Kawasan Permukiman ------------------------------------------
    {
        "opd": "disperkim",
        "program": "Program Penanganan Kawasan Permukiman Kumuh",
        "name": "Luas kawasan permukiman kumuh",
        "definition": "Luas kawasan yang memenuhi kriteria kumuh menurut Permen PUPR 2/2016.",
        "unit": "ha",
        "polarity": "lower",
        "data_source": "Verifikasi kawasan kumuh Disperkim",
        "baseline": (608.6, 2017, "Verifikasi lokasi permukiman kumuh Disperkim 2017"),
        "target": (300.0, 2023),
        "comparators": [
            (
                "Kota Malang 2015",
                C.EARLIER,
                650.9,
                2015,
                "SK Wali Kota tentang Lokasi Permukiman Kumuh 2015",
            ),
            ("Target nasional 100-0-100", C.NATIONAL, 0, 2019, "RPJMN 2015–2019"),
        ],
        "tables": [
            (
                "Kawasan kumuh per kecamatan",
                "ha",
                "Verifikasi Disperkim 2017",
                per_kecamatan(120.4, 182.7, 58.3, 96.5, 150.7),
            ),
        ],
    },
    {
        "opd": "disperkim",
        "program": "Program Penanganan Kawasan Permukiman Kumuh",
        "name": "Rumah tidak layak huni yang direhabilitasi",
        "definition": "Jumlah rumah tidak layak huni yang selesai direhabilitasi dalam setahun.",
        "unit": "unit",
        "aggregation": "cumulative",
        "data_source": "Laporan bedah rumah Disperkim",
        "baseline": (312, 2017, "Laporan Tahunan Disperkim 2017"),
        "target": (500, 2023),
        "comparators": [
            ("Kota Malang 2016", C.EARLIER, 270, 2016, "Laporan Tahunan Disperkim 2016")
        ],
        "cases": [
            (
                "Bedah rumah di Kelurahan Kotalama (contoh)",
                (
                    "Rumah semipermanen di bantaran sungai, dihuni dua keluarga (tujuh orang) "
                    "tanpa jamban. Direhabilitasi dengan swadaya warga dan dilengkapi sambungan ke "
                    "IPAL komunal."
                ),
            ),
        ],
    },
    {
        "opd": "disperkim",
        "program": "Program Pengelolaan Ruang Terbuka Hijau",
        "name": "Proporsi ruang terbuka hijau publik",
        "definition": "Luas RTH publik dibagi luas wilayah kota × 100.",
        "unit": "%",
        "data_source": "Inventarisasi RTH Disperkim",
        "baseline": (4.3, 2017, "Inventarisasi RTH Disperkim 2017"),
        "target": (8.0, 2023),
        "comparators": [
            (
                "Amanat UU Penataan Ruang (RTH publik)",
                C.STANDARD,
                20,
                2007,
                "Undang-Undang Nomor 26 Tahun 2007",
            ),
            ("Kota Surabaya", C.REGION, 21.8, 2017, "Dinas Kebersihan dan RTH Kota Surabaya"),
        ],
        "tables": [
            (
                "Luas RTH publik per kecamatan",
                "ha",
                "Inventarisasi RTH 2017",
                per_kecamatan(9.8, 14.6, 12.1, 11.2, 7.3),
            ),
        ],
    },
    {
        "opd": "disperkim",
        "program": "Program Pengelolaan Ruang Terbuka Hijau",
        "name": "Cakupan penerangan jalan umum",
        "definition": "Panjang jalan kota yang diterangi PJU dibagi panjang jalan kota × 100.",
        "unit": "%",
        "data_source": "Inventarisasi PJU Disperkim",
        "baseline": (83.5, 2017, "Inventarisasi PJU Disperkim 2017"),
        "target": (95.0, 2023),
        "comparators": [
            ("Kota Malang 2016", C.EARLIER, 80.2, 2016, "Inventarisasi PJU Disperkim 2016")
        ],
        "tables": [
            (
                "Titik PJU padam per kecamatan, Desember 2017",
                "Titik",
                "Laporan pemeliharaan PJU",
                per_kecamatan(86, 143, 41, 77, 112),
            ),
        ],
    },
    # --- Kecamatan Blimbing --------------------------------------------------------------
    {
        "opd": "kec-blimbing",
        "program": "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
        "name": "Rata-rata waktu penyelesaian layanan PATEN",
        "definition": "Rata-rata hari kerja dari berkas lengkap sampai dokumen selesai.",
        "unit": "hari kerja",
        "polarity": "lower",
        "aggregation": "average",
        "data_source": "Buku register PATEN",
        "baseline": (3.5, 2017, "Laporan PATEN Kecamatan Blimbing 2017"),
        "target": (1.0, 2023),
        "comparators": [
            ("Kecamatan Klojen", C.REGION, 2.0, 2017, "Laporan PATEN Kecamatan Klojen 2017")
        ],
        "tables": [
            (
                "Berkas PATEN per jenis layanan, 2017",
                "Berkas",
                "Buku register PATEN 2017",
                [
                    ("Legalisasi dokumen", 2310),
                    ("Surat keterangan domisili usaha", 1120),
                    ("Rekomendasi IMB rumah tinggal", 640),
                    ("Surat keterangan ahli waris", 385),
                ],
            ),
        ],
    },
    {
        "opd": "kec-blimbing",
        "program": "Program Pemberdayaan Masyarakat dan Kampung Tematik",
        "name": "Kampung tematik yang aktif dikelola warga",
        "definition": "Kampung tematik dengan pengelola, jadwal kegiatan dan pengunjung tercatat.",
        "unit": "kampung",
        "data_source": "Pendataan kampung tematik kecamatan",
        "baseline": (6, 2017, "Pendataan kampung tematik Kecamatan Blimbing 2017"),
        "target": (12, 2023),
        "comparators": [
            ("Kecamatan Blimbing 2016", C.EARLIER, 3, 2016, "Pendataan kampung tematik 2016")
        ],
        "tables": [
            (
                "Kampung tematik per kelurahan",
                "Kampung",
                "Pendataan 2017",
                [
                    ("Jodipan", 2, "termasuk Kampung Warna-Warni"),
                    ("Kesatrian", 1, "Kampung Tridi"),
                    ("Purwantoro", 1, "Kampung keripik tempe Sanan"),
                    ("Polowijen", 1, "Kampung Budaya Polowijen"),
                    ("Bunulrejo", 1),
                ],
            ),
        ],
    },
    {
        "opd": "kec-blimbing",
        "program": "Program Pemberdayaan Masyarakat dan Kampung Tematik",
        "name": "Usulan musrenbang kelurahan yang terealisasi",
        "definition": (
            "Usulan musrenbang kelurahan yang dibiayai APBD dibagi seluruh usulan yang diterima × "
            "100."
        ),
        "unit": "%",
        "data_source": "Rekap musrenbang dan APBD",
        "baseline": (38.5, 2017, "Rekap Musrenbang Bappeda 2017"),
        "target": (60.0, 2023),
        "comparators": [
            (
                "Rata-rata kecamatan se-Kota Malang",
                C.REGION,
                35.2,
                2017,
                "Rekap Musrenbang Bappeda 2017",
            ),
        ],
        "tables": [
            (
                "Usulan terealisasi per kelurahan, 2017",
                "%",
                "Rekap Musrenbang 2017",
                [
                    ("Arjosari", 41.7),
                    ("Balearjosari", 33.3),
                    ("Blimbing", 40.0),
                    ("Jodipan", 45.5),
                    ("Pandanwangi", 30.8),
                    ("Polowijen", 37.5),
                ],
            ),
        ],
    },
    # --- Kecamatan Kedungkandang ---------------------------------------------------------
    {
        "opd": "kec-kedungkandang",
        "program": "Gerakan Kader Pendamping Ibu Hamil Risiko Tinggi",
        "name": "Ibu hamil risiko tinggi yang didampingi kader",
        "definition": (
            "Ibu hamil risiko tinggi dengan kartu pendampingan terisi dibagi ibu hamil risiko "
            "tinggi terdata × 100."
        ),
        "unit": "%",
        "theme": "penurunan-aki",
        "data_source": "Kartu pendampingan kader dan PWS-KIA puskesmas",
        "baseline": (
            61.5,
            2017,
            "Laporan PWS-KIA Puskesmas Kedungkandang, Arjowinangun dan Gribig 2017",
        ),
        "target": (95.0, 2023),
        "comparators": [
            ("Kecamatan Sukun", C.REGION, 55.0, 2017, "Laporan PWS-KIA Dinas Kesehatan 2017")
        ],
        "tables": [
            (
                "Ibu hamil risiko tinggi per kelurahan, 2017",
                "Ibu hamil",
                "PWS-KIA puskesmas 2017",
                [
                    ("Kotalama", 64),
                    ("Mergosono", 41),
                    ("Bumiayu", 38),
                    ("Buring", 27),
                    ("Wonokoyo", 19),
                    ("Tlogowaru", 22),
                    ("Arjowinangun", 35),
                    ("Lesanpuro", 33),
                    ("Madyopuro", 40),
                    ("Cemorokandang", 31),
                    ("Sawojajar", 45),
                    ("Kedungkandang", 29),
                ],
            ),
        ],
        "cases": [
            (
                "Pendampingan di Kelurahan Kotalama (contoh)",
                (
                    "Kader menemukan ibu hamil 17 tahun yang belum pernah memeriksakan kehamilan "
                    "di bulan keenam, mengantarnya ke puskesmas dan memantau tekanan darahnya tiap "
                    "minggu. Persalinan di rumah sakit, ibu dan bayi selamat."
                ),
            ),
        ],
    },
    {
        "opd": "kec-kedungkandang",
        "program": "Gerakan Kader Pendamping Ibu Hamil Risiko Tinggi",
        "name": "Kelurahan dengan kelas ibu hamil aktif",
        "definition": (
            "Kelurahan yang menyelenggarakan kelas ibu hamil sedikitnya empat kali setahun dibagi "
            "12 kelurahan × 100."
        ),
        "unit": "%",
        "theme": "penurunan-aki",
        "data_source": "Laporan kelas ibu hamil puskesmas",
        "baseline": (58.3, 2017, "Laporan kelas ibu hamil puskesmas 2017"),
        "target": (100.0, 2023),
        "comparators": [
            (
                "Pedoman Kemenkes: kelas ibu hamil di setiap kelurahan",
                C.STANDARD,
                100,
                2014,
                "Pedoman Pelaksanaan Kelas Ibu Hamil, Kemenkes 2014",
            ),
        ],
        "cases": [
            (
                "Kelas ibu hamil malam hari di Sawojajar (contoh)",
                (
                    "Karena banyak ibu bekerja, kelas dipindah ke malam hari di balai RW dan suami "
                    "diajak hadir; kehadiran naik dari 9 menjadi 23 peserta."
                ),
            ),
        ],
    },
    {
        "opd": "kec-kedungkandang",
        "program": "Program Sanitasi Berbasis Masyarakat",
        "name": "Kelurahan bebas buang air besar sembarangan (ODF)",
        "definition": "Kelurahan terverifikasi ODF dibagi 12 kelurahan × 100.",
        "unit": "%",
        "theme": "penanganan-stunting",
        "data_source": "Verifikasi STBM Dinas Kesehatan",
        "baseline": (33.3, 2017, "Verifikasi STBM Dinas Kesehatan 2017"),
        "target": (100.0, 2023),
        "comparators": [
            ("Target akses sanitasi universal", C.NATIONAL, 100, 2019, "RPJMN 2015–2019")
        ],
        "tables": [
            (
                "Keluarga masih buang air besar sembarangan per kelurahan",
                "Keluarga",
                "Pendataan STBM 2017",
                [
                    ("Kotalama", 212),
                    ("Mergosono", 148),
                    ("Wonokoyo", 96),
                    ("Tlogowaru", 88),
                    ("Buring", 71),
                    ("Cemorokandang", 64),
                ],
            ),
        ],
    },
    # --- Kecamatan Klojen ----------------------------------------------------------------
    {
        "opd": "kec-klojen",
        "program": "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
        "name": "Indeks Kepuasan Masyarakat layanan kecamatan",
        "definition": "Nilai survei kepuasan masyarakat menurut Permenpan-RB 14/2017, skala 0–100.",
        "unit": "indeks",
        "data_source": "Survei kepuasan masyarakat kecamatan",
        "baseline": (80.2, 2017, "Survei IKM Kecamatan Klojen 2017"),
        "target": (88.0, 2023),
        "comparators": [
            ("Kecamatan Klojen 2016", C.EARLIER, 78.5, 2016, "Survei IKM Kecamatan Klojen 2016")
        ],
        "tables": [
            (
                "Nilai per unsur pelayanan, 2017",
                "Nilai",
                "Survei IKM 2017",
                [
                    ("Persyaratan", 79.8),
                    ("Prosedur", 81.0),
                    ("Waktu pelayanan", 76.4),
                    ("Biaya/tarif", 88.6),
                    ("Kompetensi petugas", 80.1),
                ],
            ),
        ],
    },
    {
        "opd": "kec-klojen",
        "program": "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
        "name": "Rata-rata waktu penyelesaian layanan PATEN",
        "definition": "Rata-rata hari kerja dari berkas lengkap sampai dokumen selesai.",
        "unit": "hari kerja",
        "polarity": "lower",
        "aggregation": "average",
        "data_source": "Buku register PATEN",
        "baseline": (2.0, 2017, "Laporan PATEN Kecamatan Klojen 2017"),
        "target": (1.0, 2023),
        "comparators": [
            ("Kecamatan Blimbing", C.REGION, 3.5, 2017, "Laporan PATEN Kecamatan Blimbing 2017")
        ],
        "tables": [
            (
                "Berkas PATEN per jenis layanan, 2017",
                "Berkas",
                "Buku register PATEN 2017",
                [
                    ("Legalisasi dokumen", 1840),
                    ("Surat keterangan domisili usaha", 1510),
                    ("Rekomendasi izin keramaian", 220),
                ],
            ),
        ],
    },
    {
        "opd": "kec-klojen",
        "program": "Program Ketertiban dan Penataan Kawasan",
        "name": "Pedagang kaki lima yang tertata di lokasi resmi",
        "definition": (
            "PKL yang berjualan di lokasi dan jam yang ditetapkan dibagi PKL terdata × 100."
        ),
        "unit": "%",
        "data_source": "Pendataan PKL kecamatan dan Satpol PP",
        "baseline": (46.0, 2017, "Pendataan PKL Kecamatan Klojen 2017"),
        "target": (80.0, 2023),
        "comparators": [
            ("Kecamatan Lowokwaru", C.REGION, 39.0, 2017, "Pendataan PKL Kecamatan Lowokwaru 2017")
        ],
        "tables": [
            (
                "PKL terdata per kawasan",
                "PKL",
                "Pendataan PKL 2017",
                [
                    ("Kawasan Alun-alun Merdeka", 132),
                    ("Kawasan Stasiun Kota Baru", 58),
                    ("Jl. Kawi", 74),
                    ("Jl. Semeru", 41),
                    ("Kawasan Pasar Besar", 215, "di luar los pasar"),
                ],
            ),
        ],
    },
    # --- Kecamatan Lowokwaru -------------------------------------------------------------
    {
        "opd": "kec-lowokwaru",
        "program": "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
        "name": "Rata-rata waktu penyelesaian layanan PATEN",
        "definition": "Rata-rata hari kerja dari berkas lengkap sampai dokumen selesai.",
        "unit": "hari kerja",
        "polarity": "lower",
        "aggregation": "average",
        "data_source": "Buku register PATEN",
        "baseline": (3.0, 2017, "Laporan PATEN Kecamatan Lowokwaru 2017"),
        "target": (1.0, 2023),
        "comparators": [
            ("Kecamatan Klojen", C.REGION, 2.0, 2017, "Laporan PATEN Kecamatan Klojen 2017")
        ],
        "tables": [
            (
                "Berkas PATEN per jenis layanan, 2017",
                "Berkas",
                "Buku register PATEN 2017",
                [
                    ("Legalisasi dokumen", 2650),
                    ("Surat keterangan domisili usaha", 1380),
                    ("Rekomendasi IMB rumah tinggal", 510),
                ],
            ),
        ],
    },
    {
        "opd": "kec-lowokwaru",
        "program": "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
        "name": "Penduduk non permanen yang terdata",
        "definition": (
            "Mahasiswa dan pekerja pendatang yang terdata kelurahan dibagi perkiraan penduduk non "
            "permanen × 100."
        ),
        "unit": "%",
        "data_source": "Pendataan penduduk non permanen oleh RT/RW",
        "baseline": (41.0, 2017, "Pendataan penduduk non permanen Kecamatan Lowokwaru 2017"),
        "target": (80.0, 2023),
        "comparators": [
            (
                "Kecamatan Lowokwaru 2016",
                C.EARLIER,
                33.5,
                2016,
                "Pendataan penduduk non permanen 2016",
            ),
        ],
        "tables": [
            (
                "Rumah kos terdata per kelurahan",
                "Rumah kos",
                "Pendataan 2017",
                [
                    ("Sumbersari", 612),
                    ("Ketawanggede", 548),
                    ("Dinoyo", 431),
                    ("Merjosari", 389),
                    ("Tlogomas", 356),
                    ("Jatimulyo", 274),
                ],
            ),
        ],
    },
    {
        "opd": "kec-lowokwaru",
        "program": "Program Pengelolaan Sampah Berbasis Masyarakat",
        "name": "Kelurahan dengan bank sampah aktif",
        "definition": "Kelurahan dengan sedikitnya satu bank sampah yang menimbang setiap bulan.",
        "unit": "kelurahan",
        "data_source": "Rekap Bank Sampah Malang",
        "baseline": (7, 2017, "Rekap Bank Sampah Malang 2017"),
        "target": (12, 2023),
        "comparators": [("Kecamatan Sukun", C.REGION, 6, 2017, "Rekap Bank Sampah Malang 2017")],
        "tables": [
            (
                "Nasabah bank sampah per kelurahan",
                "Nasabah",
                "Rekap Bank Sampah Malang 2017",
                [
                    ("Tunjungsekar", 410),
                    ("Mojolangu", 365),
                    ("Tulusrejo", 298),
                    ("Lowokwaru", 240),
                    ("Tasikmadu", 185),
                    ("Tunggulwulung", 162),
                    ("Jatimulyo", 131),
                ],
            ),
        ],
    },
    # --- Kecamatan Sukun -----------------------------------------------------------------
    {
        "opd": "kec-sukun",
        "program": "Program Pemberdayaan Posyandu",
        "name": "Balita ditimbang di posyandu (D/S)",
        "definition": "Balita yang ditimbang dibagi seluruh balita sasaran × 100.",
        "unit": "%",
        "theme": "penanganan-stunting",
        "data_source": "Laporan SKDN posyandu",
        "baseline": (74.8, 2017, "Laporan SKDN Puskesmas Janti, Ciptomulyo dan Mulyorejo 2017"),
        "target": (90.0, 2023),
        "comparators": [
            (
                "Target Renstra Kemenkes",
                C.STANDARD,
                85,
                2019,
                "Renstra Kementerian Kesehatan 2015–2019",
            ),
        ],
        "tables": [
            (
                "Balita ditimbang per kelurahan, Agustus 2017",
                "%",
                "Laporan SKDN Agustus 2017",
                [
                    ("Bandungrejosari", 71.2),
                    ("Bakalankrajan", 78.4),
                    ("Ciptomulyo", 69.8),
                    ("Gadang", 75.5),
                    ("Kebonsari", 80.1),
                    ("Mulyorejo", 73.6),
                    ("Pisangcandi", 77.9),
                    ("Sukun", 72.4),
                    ("Tanjungrejo", 70.5),
                    ("Bandulan", 76.0),
                    ("Karangbesuki", 79.3),
                ],
            ),
        ],
    },
    {
        "opd": "kec-sukun",
        "program": "Program Pemberdayaan Posyandu",
        "name": "Posyandu strata purnama dan mandiri",
        "definition": "Posyandu berstrata purnama atau mandiri dibagi seluruh posyandu × 100.",
        "unit": "%",
        "theme": "penanganan-stunting",
        "data_source": "Telaah kemandirian posyandu",
        "baseline": (62.5, 2017, "Telaah kemandirian posyandu Dinas Kesehatan 2017"),
        "target": (85.0, 2023),
        "comparators": [
            ("Kecamatan Kedungkandang", C.REGION, 54.0, 2017, "Telaah kemandirian posyandu 2017")
        ],
        "cases": [
            (
                "Posyandu di RW 05 Bandungrejosari (contoh)",
                (
                    "Posyandu dengan tiga kader aktif dan tanpa dana sehat; setelah mendapat alat "
                    "ukur panjang badan dan pelatihan, penimbangan naik dari 58% ke 81%."
                ),
            ),
        ],
    },
    {
        "opd": "kec-sukun",
        "program": "Program Pelayanan Administrasi Terpadu Kecamatan (PATEN)",
        "name": "Rata-rata waktu penyelesaian layanan PATEN",
        "definition": "Rata-rata hari kerja dari berkas lengkap sampai dokumen selesai.",
        "unit": "hari kerja",
        "polarity": "lower",
        "aggregation": "average",
        "data_source": "Buku register PATEN",
        "baseline": (3.2, 2017, "Laporan PATEN Kecamatan Sukun 2017"),
        "target": (1.0, 2023),
        "comparators": [
            ("Kecamatan Klojen", C.REGION, 2.0, 2017, "Laporan PATEN Kecamatan Klojen 2017")
        ],
        "tables": [
            (
                "Berkas PATEN per jenis layanan, 2017",
                "Berkas",
                "Buku register PATEN 2017",
                [
                    ("Legalisasi dokumen", 2080),
                    ("Surat keterangan domisili usaha", 940),
                    ("Surat keterangan ahli waris", 410),
                ],
            ),
        ],
    },
    # --- Dinas Sosial: the follow-up session, theme "Penurunan Angka Kemiskinan" ---------
    {
        "opd": "dinsos",
        "program": "Program Perlindungan dan Jaminan Sosial",
        "name": "Persentase penduduk miskin",
        "definition": (
            "Penduduk dengan pengeluaran per kapita per bulan di bawah garis kemiskinan dibagi "
            "jumlah penduduk × 100 (metode BPS)."
        ),
        "unit": "%",
        "polarity": "lower",
        "theme": "penurunan-kemiskinan",
        "data_source": "Survei Sosial Ekonomi Nasional (Susenas) Maret, diolah BPS",
        "baseline": (
            4.17,
            2017,
            "BPS Kota Malang, Data dan Informasi Kemiskinan Kabupaten/Kota 2017",
        ),
        "target": (3.2, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                11.77,
                2017,
                "BPS Provinsi Jawa Timur, Profil Kemiskinan Maret 2017",
            ),
            ("Nasional", C.NATIONAL, 10.64, 2017, "BPS, Profil Kemiskinan di Indonesia Maret 2017"),
            ("Kota Batu", C.REGION, 4.31, 2017, "BPS Kota Batu 2018"),
            ("Kota Malang 2016", C.EARLIER, 4.33, 2016, "BPS Kota Malang 2017"),
        ],
        "tables": [
            (
                "Rumah tangga miskin dalam DTKS per kecamatan",
                "Rumah tangga",
                "Basis Data Terpadu Kementerian Sosial, pemutakhiran 2017",
                per_kecamatan(5_412, 8_936, 2_874, 4_105, 6_283),
            ),
        ],
    },
    {
        "opd": "dinsos",
        "program": "Program Perlindungan dan Jaminan Sosial",
        "name": "Cakupan bantuan sosial tepat sasaran",
        "definition": (
            "Keluarga penerima bantuan sosial (PKH dan BPNT) yang terdaftar dalam DTKS dan lolos "
            "verifikasi lapangan dibagi seluruh keluarga penerima × 100."
        ),
        "unit": "%",
        "data_source": "Verifikasi dan validasi DTKS oleh Dinas Sosial dan TKSK",
        "baseline": (82.4, 2017, "Laporan Verifikasi dan Validasi DTKS Dinas Sosial 2017"),
        "target": (98.0, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                85.1,
                2017,
                "Dinas Sosial Provinsi Jawa Timur, Laporan Verivali 2017",
            ),
            (
                "Kota Malang 2016",
                C.EARLIER,
                78.9,
                2016,
                "Laporan Verifikasi dan Validasi DTKS Dinas Sosial 2016",
            ),
        ],
        "tables": [
            (
                "Penerima bantuan yang tidak ditemukan atau tidak layak saat verifikasi",
                "Keluarga",
                "Laporan Verifikasi dan Validasi DTKS 2017",
                [
                    ("Blimbing", 412, "sebagian besar pindah alamat"),
                    ("Kedungkandang", 538),
                    ("Klojen", 276, "termasuk 61 keluarga yang sudah mampu"),
                    ("Lowokwaru", 389),
                    ("Sukun", 447),
                ],
            ),
        ],
        "cases": [
            (
                "Penerima ganda di Kelurahan Kotalama (contoh)",
                (
                    "Verifikasi 2017 menemukan 37 keluarga yang tercatat dua kali dengan nomor KK "
                    "lama dan baru, sementara 52 keluarga miskin baru belum terdaftar. Pemadanan "
                    "NIK dengan Dispendukcapil dimulai 2018."
                ),
            ),
        ],
    },
    {
        "opd": "dinsos",
        "program": "Program Pemberdayaan Sosial Keluarga Miskin",
        "name": "Keluarga penerima manfaat PKH yang graduasi mandiri",
        "definition": (
            "Keluarga penerima manfaat Program Keluarga Harapan yang keluar dari kepesertaan "
            "karena sudah mampu (graduasi sejahtera mandiri) dalam setahun."
        ),
        "unit": "keluarga",
        "aggregation": "cumulative",
        "theme": "penurunan-kemiskinan",
        "data_source": "Laporan pendamping PKH, aplikasi e-PKH",
        "baseline": (312, 2017, "Laporan Pendamping PKH Kota Malang 2017"),
        "target": (1_200, 2023),
        "comparators": [
            ("Kota Surabaya", C.REGION, 1_045, 2017, "Dinas Sosial Kota Surabaya 2017"),
            ("Kota Malang 2016", C.EARLIER, 196, 2016, "Laporan Pendamping PKH Kota Malang 2016"),
        ],
        "tables": [
            (
                "Keluarga PKH yang graduasi per kecamatan, 2017",
                "Keluarga",
                "Laporan Pendamping PKH Kota Malang 2017",
                per_kecamatan(58, 97, 31, 52, 74),
            ),
        ],
    },
    {
        "opd": "dinsos",
        "program": "Program Pemberdayaan Sosial Keluarga Miskin",
        "name": "Kelompok Usaha Bersama (KUBE) yang masih aktif setelah dua tahun",
        "definition": (
            "KUBE bentukan dua tahun sebelumnya yang masih berusaha dan mencatat omzet dibagi "
            "seluruh KUBE bentukan tahun itu × 100."
        ),
        "unit": "%",
        "data_source": "Pendataan KUBE oleh Dinas Sosial",
        "baseline": (61.5, 2017, "Pendataan KUBE Dinas Sosial 2017"),
        "target": (80.0, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                58.0,
                2017,
                "Dinas Sosial Provinsi Jawa Timur 2017",
            ),
        ],
        "cases": [
            (
                "KUBE olahan keripik di Kelurahan Bumiayu (contoh)",
                (
                    "Sepuluh keluarga penerima PKH mengolah keripik singkong sejak 2015; omzet "
                    "naik setelah produk masuk toko oleh-oleh, dan tiga keluarga keluar dari PKH "
                    "pada 2017."
                ),
            ),
        ],
    },
    # --- Dinas Koperasi dan Usaha Mikro: the follow-up session ---------------------------
    {
        "opd": "diskopum",
        "program": "Program Pengembangan Kelembagaan Koperasi",
        "name": "Koperasi aktif",
        "definition": (
            "Koperasi berbadan hukum yang menyelenggarakan rapat anggota tahunan (RAT) dalam "
            "tahun berjalan dibagi seluruh koperasi berbadan hukum × 100."
        ),
        "unit": "%",
        "data_source": "Online Data System (ODS) Kementerian Koperasi dan UKM",
        "baseline": (58.6, 2017, "Data Koperasi Dinas Koperasi dan Usaha Mikro 2017"),
        "target": (80.0, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                69.5,
                2017,
                "Dinas Koperasi dan UKM Provinsi Jawa Timur 2017",
            ),
            ("Nasional", C.NATIONAL, 72.0, 2017, "Kementerian Koperasi dan UKM, data 2017"),
        ],
        "tables": [
            (
                "Koperasi berbadan hukum per kecamatan, 2017",
                "Koperasi",
                "Data Koperasi Dinas Koperasi dan Usaha Mikro 2017",
                [
                    ("Blimbing", 168, "98 aktif"),
                    ("Kedungkandang", 142, "79 aktif"),
                    ("Klojen", 215, "131 aktif"),
                    ("Lowokwaru", 196, "117 aktif"),
                    ("Sukun", 151, "86 aktif"),
                ],
            ),
        ],
    },
    {
        "opd": "diskopum",
        "program": "Program Pengembangan Kelembagaan Koperasi",
        "name": "Koperasi simpan pinjam berpredikat sehat",
        "definition": (
            "Koperasi simpan pinjam dan unit simpan pinjam yang dinilai sehat dibagi seluruh "
            "yang dinilai dalam setahun × 100."
        ),
        "unit": "%",
        "data_source": "Penilaian kesehatan KSP/USP oleh Dinas Koperasi dan Usaha Mikro",
        "baseline": (34.0, 2017, "Laporan Penilaian Kesehatan KSP/USP 2017"),
        "target": (60.0, 2023),
        "comparators": [
            (
                "Kota Malang 2016",
                C.EARLIER,
                29.5,
                2016,
                "Laporan Penilaian Kesehatan KSP/USP 2016",
            ),
            ("Kota Surabaya", C.REGION, 41.2, 2017, "Dinas Koperasi dan UM Kota Surabaya 2017"),
        ],
        "cases": [
            (
                "KSP di Kelurahan Mergosono (contoh)",
                (
                    "Kredit macet mencapai 18% karena pinjaman tanpa analisis kelayakan. Setelah "
                    "pendampingan pengurus dan pembukuan terkomputerisasi pada 2017, predikatnya "
                    "naik dari tidak sehat menjadi dalam pengawasan."
                ),
            ),
        ],
    },
    {
        "opd": "diskopum",
        "program": "Program Pemberdayaan Usaha Mikro",
        "name": "Usaha mikro binaan yang naik kelas menjadi usaha kecil",
        "definition": (
            "Usaha mikro binaan yang omzet tahunannya melampaui Rp300 juta (kriteria usaha kecil, "
            "UU 20/2008) dalam setahun."
        ),
        "unit": "unit usaha",
        "aggregation": "cumulative",
        "data_source": "Basis data usaha mikro binaan Dinas Koperasi dan Usaha Mikro",
        "baseline": (146, 2017, "Basis data usaha mikro binaan 2017"),
        "target": (400, 2023),
        "comparators": [
            ("Kota Surabaya", C.REGION, 310, 2017, "Dinas Koperasi dan UM Kota Surabaya 2017"),
            ("Kota Malang 2016", C.EARLIER, 118, 2016, "Basis data usaha mikro binaan 2016"),
        ],
        "tables": [
            (
                "Usaha mikro yang naik kelas per kecamatan, 2017",
                "Unit usaha",
                "Basis data usaha mikro binaan 2017",
                per_kecamatan(26, 38, 22, 35, 25),
            ),
        ],
    },
    {
        "opd": "diskopum",
        "program": "Program Pemberdayaan Usaha Mikro",
        "name": "Usaha mikro keluarga miskin yang bertahan dua tahun",
        "definition": (
            "Usaha mikro milik keluarga dalam DTKS yang dibina dua tahun sebelumnya dan masih "
            "berusaha dibagi seluruh usaha binaan tahun itu × 100."
        ),
        "unit": "%",
        "theme": "penurunan-kemiskinan",
        "data_source": "Basis data usaha mikro binaan, dipadankan dengan DTKS Dinas Sosial",
        "baseline": (47.5, 2017, "Basis data usaha mikro binaan 2017"),
        "target": (70.0, 2023),
        "comparators": [
            ("Kota Batu", C.REGION, 51.0, 2017, "Dinas Koperasi dan Usaha Mikro Kota Batu 2017"),
        ],
        "tables": [
            (
                "Usaha mikro keluarga miskin binaan 2015 menurut jenis usaha",
                "Unit usaha",
                "Basis data usaha mikro binaan 2015–2017",
                [
                    ("Makanan dan minuman olahan", 184, "97 masih berusaha pada 2017"),
                    ("Warung dan toko kelontong", 126, "58 masih berusaha"),
                    ("Jasa (jahit, servis, salon)", 74, "35 masih berusaha"),
                    ("Kerajinan", 36, "9 masih berusaha"),
                ],
            ),
        ],
    },
    # --- Dinas Tenaga Kerja: returned, one indicator lacks a comparator -----------------
    {
        "opd": "disnaker",
        "program": "Program Peningkatan Kesempatan Kerja",
        "name": "Tingkat pengangguran terbuka",
        "definition": "Penganggur dibagi angkatan kerja × 100 (Sakernas Agustus).",
        "unit": "%",
        "polarity": "lower",
        "data_source": "Survei Angkatan Kerja Nasional (Sakernas) Agustus, diolah BPS",
        "baseline": (6.65, 2017, "BPS Kota Malang, Sakernas Agustus 2017"),
        "target": (5.0, 2023),
        "comparators": [
            ("Rata-rata Jawa Timur", C.PROVINCE, 4.00, 2017, "BPS Provinsi Jawa Timur 2017"),
            ("Nasional", C.NATIONAL, 5.50, 2017, "BPS, Keadaan Ketenagakerjaan Agustus 2017"),
            ("Kota Surabaya", C.REGION, 5.98, 2017, "BPS Kota Surabaya 2018"),
        ],
        "tables": [
            (
                "Pencari kerja terdaftar (kartu AK/I) per kecamatan, 2017",
                "Orang",
                "Dinas Tenaga Kerja, layanan antarkerja 2017",
                per_kecamatan(1_845, 2_310, 1_120, 2_655, 1_980),
            ),
        ],
    },
    {
        "opd": "disnaker",
        "program": "Program Peningkatan Kesempatan Kerja",
        "name": "Pencari kerja terdaftar yang ditempatkan",
        "definition": (
            "Pencari kerja terdaftar yang ditempatkan bekerja dalam setahun dibagi pencari kerja "
            "terdaftar tahun itu × 100."
        ),
        "unit": "%",
        "data_source": "Layanan antarkerja Dinas Tenaga Kerja",
        "baseline": (31.8, 2017, "Laporan IPK Dinas Tenaga Kerja 2017"),
        "target": (50.0, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                35.2,
                2017,
                "Dinas Tenaga Kerja dan Transmigrasi Provinsi Jawa Timur 2017",
            ),
        ],
        "cases": [
            (
                "Bursa kerja Oktober 2017 (contoh)",
                (
                    "Dari 3.400 lowongan yang ditawarkan 62 perusahaan, 1.150 terisi; lowongan "
                    "teknisi dan perhotelan kurang pelamar yang memenuhi syarat."
                ),
            ),
        ],
    },
    {
        "opd": "disnaker",
        "program": "Program Peningkatan Kompetensi Tenaga Kerja",
        "name": "Lulusan pelatihan berbasis kompetensi yang bekerja",
        "definition": (
            "Lulusan pelatihan UPT Balai Latihan Kerja yang bekerja atau berwirausaha dalam enam "
            "bulan setelah lulus dibagi seluruh lulusan × 100."
        ),
        "unit": "%",
        "data_source": "Penelusuran lulusan UPT Balai Latihan Kerja",
        "baseline": (54.0, 2017, "Penelusuran lulusan UPT BLK 2017"),
        "target": (75.0, 2023),
        "comparators": [],  # what Bappeda's comment asks for
        "tables": [
            (
                "Lulusan pelatihan per kejuruan, 2017",
                "Orang",
                "UPT Balai Latihan Kerja 2017",
                [
                    ("Otomotif", 96, "61 bekerja"),
                    ("Las", 64, "40 bekerja"),
                    ("Menjahit", 80, "38 bekerja atau berwirausaha"),
                    ("Tata boga", 80, "36 bekerja atau berwirausaha"),
                ],
            ),
        ],
    },
    # --- Dinas Lingkungan Hidup: submitted, awaiting Bappeda's review --------------------
    {
        "opd": "dlh",
        "program": "Program Pengelolaan Persampahan",
        "name": "Sampah yang tertangani",
        "definition": (
            "Timbulan sampah yang diangkut ke TPA Supit Urang atau diolah dibagi seluruh timbulan "
            "sampah × 100."
        ),
        "unit": "%",
        "data_source": "Penimbangan di TPA Supit Urang dan TPS 3R",
        "baseline": (71.5, 2017, "Laporan Pengelolaan Sampah DLH 2017"),
        "target": (90.0, 2023),
        "comparators": [
            (
                "Target penanganan sampah 2025 (Jakstranas)",
                C.STANDARD,
                70,
                2017,
                "Peraturan Presiden Nomor 97 Tahun 2017",
            ),
        ],
        "tables": [
            (
                "Timbulan sampah harian per kecamatan",
                "Ton per hari",
                "Laporan Pengelolaan Sampah DLH 2017",
                per_kecamatan(121, 138, 92, 146, 113),
            ),
        ],
    },
    {
        "opd": "dlh",
        "program": "Program Pengelolaan Persampahan",
        "name": "Sampah yang dikurangi melalui bank sampah dan TPS 3R",
        "definition": (
            "Sampah yang dipilah dan didaur ulang melalui bank sampah dan TPS 3R dibagi seluruh "
            "timbulan sampah × 100."
        ),
        "unit": "%",
        "data_source": "Laporan bank sampah dan TPS 3R",
        "baseline": (8.2, 2017, "Laporan Pengelolaan Sampah DLH 2017"),
        "target": (20.0, 2023),
        "comparators": [
            (
                "Target pengurangan sampah 2025 (Jakstranas)",
                C.STANDARD,
                30,
                2017,
                "Peraturan Presiden Nomor 97 Tahun 2017",
            ),
            ("Kota Surabaya", C.REGION, 15.0, 2017, "DKRTH Kota Surabaya 2017"),
        ],
        "cases": [
            (
                "Bank sampah unit di Kelurahan Purwantoro (contoh)",
                (
                    "Dua puluh RT menyetor sampah terpilah setiap Minggu; sekitar 1,2 ton per "
                    "bulan tidak lagi dibuang ke TPS, dan tabungan warga dipakai membayar iuran "
                    "BPJS."
                ),
            ),
        ],
    },
    {
        "opd": "dlh",
        "program": "Program Pengendalian Pencemaran Lingkungan Hidup",
        "name": "Indeks Kualitas Air sungai",
        "definition": (
            "Indeks dari status mutu air di titik pantau sungai (metode IKLH Kementerian LHK), "
            "skala 0–100."
        ),
        "unit": "indeks",
        "data_source": "Pemantauan kualitas air sungai oleh DLH",
        "baseline": (48.3, 2017, "Laporan Pemantauan Kualitas Air DLH 2017"),
        "target": (55.0, 2023),
        "comparators": [
            (
                "Rata-rata Jawa Timur",
                C.PROVINCE,
                50.2,
                2017,
                "DLH Provinsi Jawa Timur, Indeks Kualitas Lingkungan Hidup 2017",
            ),
        ],
        "tables": [
            (
                "Nilai indeks per sungai, 2017",
                "Indeks",
                "Laporan Pemantauan Kualitas Air DLH 2017",
                [
                    ("Sungai Brantas", 46.0, "tercemar sedang di hilir Jembatan Muharto"),
                    ("Sungai Amprong", 52.5),
                    ("Sungai Bango", 47.0),
                    ("Sungai Metro", 50.0),
                    ("Sungai Sukun", 46.0),
                ],
            ),
        ],
    },
    # --- Dinas Kependudukan dan Pencatatan Sipil: still a draft, one target missing ------
    {
        "opd": "dispendukcapil",
        "program": "Program Penataan Administrasi Kependudukan",
        "name": "Penduduk wajib KTP yang telah merekam KTP-el",
        "definition": "Penduduk wajib KTP yang telah merekam data KTP-el dibagi wajib KTP × 100.",
        "unit": "%",
        "data_source": "Sistem Informasi Administrasi Kependudukan (SIAK)",
        "baseline": (96.4, 2017, "Data SIAK Dispendukcapil semester II 2017"),
        "target": (99.5, 2023),
        "comparators": [
            ("Nasional", C.NATIONAL, 96.0, 2017, "Ditjen Dukcapil Kementerian Dalam Negeri 2017")
        ],
        "tables": [
            (
                "Wajib KTP yang belum merekam KTP-el per kecamatan",
                "Orang",
                "Data SIAK semester II 2017",
                per_kecamatan(2_140, 3_385, 1_206, 2_874, 2_512),
            ),
        ],
    },
    {
        "opd": "dispendukcapil",
        "program": "Program Penataan Administrasi Kependudukan",
        "name": "Anak usia 0–18 tahun yang memiliki akta kelahiran",
        "definition": "Anak usia 0–18 tahun yang memiliki akta kelahiran dibagi anak 0–18 × 100.",
        "unit": "%",
        "data_source": "Sistem Informasi Administrasi Kependudukan (SIAK)",
        "baseline": (91.2, 2017, "Data SIAK Dispendukcapil semester II 2017"),
        "target": None,  # still under discussion: the draft is incomplete
        "comparators": [
            (
                "Target nasional 2019 (RPJMN 2015–2019)",
                C.STANDARD,
                85,
                2015,
                "Peraturan Presiden Nomor 2 Tahun 2015 tentang RPJMN 2015–2019",
            ),
        ],
        "tables": [
            (
                "Anak 0–18 tahun tanpa akta kelahiran per kecamatan",
                "Anak",
                "Data SIAK semester II 2017",
                per_kecamatan(3_020, 4_610, 1_450, 3_280, 3_540),
            ),
        ],
    },
    {
        "opd": "dispendukcapil",
        "program": "Program Penataan Administrasi Kependudukan",
        "name": "Anak yang memiliki Kartu Identitas Anak (KIA)",
        "definition": "Anak usia 0–17 tahun yang memiliki KIA dibagi anak 0–17 tahun × 100.",
        "unit": "%",
        "data_source": "Sistem Informasi Administrasi Kependudukan (SIAK)",
        "baseline": (23.5, 2017, "Data SIAK Dispendukcapil semester II 2017"),
        "target": (60.0, 2023),
        "comparators": [("Kota Surabaya", C.REGION, 31.0, 2017, "Dispendukcapil Kota Surabaya")],
        "cases": [
            (
                "KIA jemput bola di sekolah dasar (contoh)",
                (
                    "Petugas mendatangi 40 SD pada 2017 dan menerbitkan 6.200 KIA di tempat; "
                    "kendalanya foto anak di bawah lima tahun yang harus dibawa orang tua."
                ),
            ),
        ],
    },
]


def data_room_conflicts() -> list[str]:
    """Real (non-demo) periods or themes that use the names the demo needs."""
    codes = [theme["code"] for theme in THEMES]
    names = [theme["name"] for theme in THEMES]
    problems = [
        f"period {p.name}" for p in Period.objects.filter(name=PERIOD["name"], is_demo=False)
    ]
    problems += [
        f"theme {t.code} ({t.name})"
        for t in Theme.objects.filter(Q(code__in=codes) | Q(name__in=names), is_demo=False)
    ]
    return problems


def seed_data_rooms(result: SeedResult) -> None:
    """Create whatever demo period, themes and data rooms are missing."""

    problems = data_room_conflicts()
    if problems:
        raise DemoConflict(", ".join(problems))
    period = _find_or_create(
        result,
        "period",
        Period,
        {"name": PERIOD["name"]},
        start_year=PERIOD["start_year"],
        end_year=PERIOD["end_year"],
        is_current=not Period.objects.filter(is_current=True).exists(),
        is_demo=True,
    )
    themes = {
        theme["code"]: _find_or_create(
            result,
            "theme",
            Theme,
            {"code": theme["code"]},
            name=theme["name"],
            description=theme["description"],
            is_demo=True,
        )
        for theme in THEMES
    }
    users = {user.username: user for user in get_user_model().objects.filter(is_demo=True)}
    head_login = {unit[0]: unit[-1] for unit in UNITS}
    for code, (status, versions) in ROOMS.items():
        opd = Opd.objects.filter(code=code, is_demo=True).first()
        if opd is None:
            continue
        room = DataRoom.objects.filter(opd=opd, period=period).first()
        result.add("data_room", room is None)
        if room is None:
            room = DataRoom.objects.create(opd=opd, period=period, status=status)
            objectives = _objectives(room, result)
            # A room returned before its last version starts without what was added later.
            _fill(room, themes, objectives, result, revised=len(versions) < 2)
            head, bappeda = users.get(head_login[code]), users.get("bappeda")
            for number, (submitted, reviewed) in enumerate(versions, 1):
                last = number == len(versions)
                if number == 2:
                    _revise(room, themes, objectives, result)
                outcome = _OUTCOMES[status] if last else Submission.Outcome.RETURNED
                _submit(room, number, outcome, _at(submitted), head, _at(reviewed), bappeda, result)
            continue
        objectives = _objectives(room, result)
        if room.is_editable:  # a submitted or ready room is locked, as in the app
            _fill(room, themes, objectives, result)
        _assign_objectives(room, objectives, result)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).replace(tzinfo=JAKARTA) if text else None


def _find_or_create(result: SeedResult, key: str, model, lookup: dict, **values):
    """The first row matching ``lookup``, else a new one; an existing row is left as it is."""
    row = model.objects.filter(**lookup).first()
    result.add(key, row is None)
    return row or model.objects.create(**lookup, **values)


def _objectives(room: DataRoom, result: SeedResult) -> dict[str, StrategicObjective]:
    """The unit's strategic objectives (created if missing), by the programs they cover."""
    by_program = {}
    for order, (name, programs) in enumerate(OBJECTIVES[room.opd.code], 1):
        objective = _find_or_create(
            result, "objective", StrategicObjective, {"data_room": room, "name": name}, order=order
        )
        by_program.update(dict.fromkeys(programs, objective))
    return by_program


def _assign_objectives(room: DataRoom, objectives: dict, result: SeedResult) -> None:
    """Give the room's demo indicators that have none their strategic objective; nothing
    else changes, and an indicator that is not the demo's own is left alone."""
    demo = {(spec["program"], spec["name"]) for spec in INDICATORS if spec["opd"] == room.opd.code}
    lacking = Indicator.objects.filter(program__data_room=room, objective__isnull=True)
    for indicator in lacking.select_related("program"):
        objective = objectives.get(indicator.program.name)
        if objective is None or (indicator.program.name, indicator.name) not in demo:
            continue
        Indicator.objects.filter(pk=indicator.pk).update(objective=objective)
        result.add("indicator_objective", True)


def _fill(
    room: DataRoom, themes: dict, objectives: dict, result: SeedResult, revised: bool = True
) -> None:
    """The room's programs and indicators with their comparators and supporting data;
    without what was added after review (``after_review``) unless ``revised``."""
    code = room.opd.code
    programs = {}
    for order, (name, budget, description, *kind) in enumerate(PROGRAMS[code], 1):
        programs[name] = _find_or_create(
            result,
            "program",
            Program,
            {"data_room": room, "name": name},
            kind=kind[0] if kind else Program.Kind.PROGRAM,
            description=description,
            budget=_decimal(budget),
            order=order,
        )
    for order, spec in enumerate((i for i in INDICATORS if i["opd"] == code), 1):
        (baseline, baseline_year, baseline_source), target = spec["baseline"], spec["target"]
        low, high = spec.get("range", (None, None))
        indicator = _find_or_create(
            result,
            "indicator",
            Indicator,
            {"program": programs[spec["program"]], "name": spec["name"]},
            objective=objectives[spec["program"]],
            theme=themes.get(spec.get("theme")),
            definition=spec["definition"],
            unit=spec["unit"],
            polarity=spec.get("polarity", P.HIGHER),
            range_min=_decimal(low),
            range_max=_decimal(high),
            aggregation=spec.get("aggregation", A.LAST),
            ratio_per=_decimal(spec.get("ratio_per")),
            data_source=spec["data_source"],
            baseline_value=_decimal(baseline),
            baseline_year=baseline_year,
            baseline_source=baseline_source,
            target_value=_decimal(target[0]) if target else None,
            target_year=target[1] if target else None,
            order=order,
        )
        comparators = spec.get("comparators", [])
        if revised:
            comparators = comparators + spec.get("after_review", {}).get("comparators", [])
        for label, kind, value, year, source in comparators:
            _find_or_create(
                result,
                "comparator",
                Comparator,
                {"indicator": indicator, "label": label, "year": year},
                kind=kind,
                value=_decimal(value),
                source=source,
            )
        for title, value_label, source, rows in spec.get("tables", []):
            table = _find_or_create(
                result,
                "supporting_table",
                SupportingTable,
                {"indicator": indicator, "title": title},
                value_label=value_label,
                source=source,
            )
            for row_order, (label, value, *note) in enumerate(rows, 1):
                _find_or_create(
                    result,
                    "supporting_row",
                    SupportingRow,
                    {"table": table, "label": label},
                    value=_decimal(value),
                    note=note[0] if note else "",
                    order=row_order,
                )
        for title, description in spec.get("cases", []):
            _find_or_create(
                result,
                "case_example",
                CaseExample,
                {"indicator": indicator, "title": title},
                description=description,
            )


def _revise(room: DataRoom, themes: dict, objectives: dict, result: SeedResult) -> None:
    """What the unit added after Bappeda returned version 1 (only for a new room)."""
    _fill(room, themes, objectives, result, revised=True)
    for spec in INDICATORS:
        target = spec.get("after_review", {}).get("target")
        if spec["opd"] == room.opd.code and target:
            Indicator.objects.filter(program__data_room=room, name=spec["name"]).update(
                target_value=_decimal(target[0]), target_year=target[1]
            )


_OUTCOMES = {
    S.SUBMITTED: Submission.Outcome.PENDING,
    S.RETURNED: Submission.Outcome.RETURNED,
    S.READY: Submission.Outcome.READY,
}


def _submit(
    room: DataRoom,
    number: int,
    outcome: str,
    submitted_at: datetime,
    head,
    reviewed_at: datetime | None,
    bappeda,
    result: SeedResult,
) -> None:
    """Version ``number`` of a new room, frozen as it stands now, with Bappeda's review
    and, if it was returned, the comments."""
    submission = Submission.objects.create(
        data_room=room,
        number=number,
        snapshot=data_room_snapshot(room),
        submitted_by=head,
        submitted_at=submitted_at,
        outcome=outcome,
        reviewed_by=bappeda if reviewed_at else None,
        reviewed_at=reviewed_at,
    )
    result.add("submission", True)
    comments = REVIEW_COMMENTS.get((room.opd.code, number), [])
    for index, (about, text) in enumerate(comments):
        indicator = Indicator.objects.get(program__data_room=room, name=about) if about else None
        comment = ReviewComment.objects.create(
            submission=submission,
            program=indicator.program if indicator else None,
            indicator=indicator,
            subject=about or "",
            text=text,
            author=bappeda,
        )
        # Written in the minutes before the room was returned, not at seeding time.
        written = reviewed_at - timedelta(minutes=10 * (len(comments) - index))
        ReviewComment.objects.filter(pk=comment.pk).update(created_at=written)
        result.add("review_comment", True)

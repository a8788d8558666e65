"""National-scale data for the benchmarks: every village, 20,000 KIMs, a million posts and
a million aspirations, in a PostgreSQL database of its own.

    .venv/bin/python bench/national.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/national.py --postgres URL --scale 0.01   # 1 % of it, a minute
    .venv/bin/python bench/national.py --postgres URL --drop         # remove the database
    .venv/bin/python bench/national.py --tenants-only   # add the tenants to a database made before

The database (``--database``, default ``jembatan_national``) is created through the given
server (an existing one is dropped first) and migrated; then, timed step by step:

* regions: the whole Kemendagri list shipped with the product (``import_regions``, 38
  provinsi, 514 kabupaten/kota, 7,285 kecamatan, 83,762 desa/kelurahan) and the holidays;
* per kabupaten/kota: a tenant (``jembatan.tenants``: all 514 are served, each on the host
  ``<code-with-dashes>.bench.localhost``, Bengkayang also on the demo's 127.0.0.1 and
  localhost, in its province's time zone), a Diskominfo and a Dinas PUPR office, a
  Diskominfo admin and five aspiration categories routed to PUPR;
* ``--kims`` (20,000) KIMs in desa/kelurahan spread over the whole country (a fixed
  pseudo-random order of the villages), each with a ketua who writes its posts;
* ``--posts`` (1,000,000) posts over the last two years, 95 % published, in Indonesian:
  titles and paragraphs put together from village-news phrases (posyandu, gotong royong,
  jalan desa, BUMDes ...) and the KIM's village name;
* ``--items`` (5,000) development-information items of the kabupaten, each delivered to
  the KIMs of its kabupaten, a third re-published, some shared, with view counts;
* ``--aspirations`` (1,000,000) aspirations from any village of the country, every status
  of the workflow in realistic shares, with their timeline events (received, verified,
  referred, in progress, answered with a rating, or closed with a reason), tracking codes
  from the product's alphabet and no real personal data (phone numbers +62 899 ...).

Everything is generated inside PostgreSQL with ``INSERT ... SELECT`` over
``generate_series`` (no row passes through Python), which is what makes the goal possible:
the whole load in under 30 minutes on 2 cores. Columns that a step does not set take the
model's default, read from the Django model, so a new field with a default does not break
the generator. The figures are deterministic: the same arguments give the same data.
At the end the tables are vacuumed and the planner statistics refreshed (VACUUM ANALYZE: a
freshly loaded table has no visibility map, so index-only scans would read the heap), and
row counts are printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from common import server_url, setup_django

DEFAULT_DB = "jembatan_national"
ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"  # aspirations.services: easy to read aloud

# Phrases of village news and aspirations, put together by index arithmetic in SQL.
TOPICS = [
    "Gotong royong membersihkan saluran air",
    "Posyandu balita dan lansia",
    "Musyawarah perencanaan pembangunan desa",
    "Perbaikan jalan desa",
    "Pelatihan pembuatan pupuk kompos",
    "Penyaluran bantuan langsung tunai dana desa",
    "Vaksinasi dan imunisasi anak",
    "Panen raya padi",
    "Festival budaya dan kuliner lokal",
    "Rapat pengurus BUMDes",
    "Sosialisasi pencegahan stunting",
    "Lomba kebersihan antar-RT",
    "Pembangunan jembatan gantung",
    "Penanaman bibit pohon di bantaran sungai",
    "Pelatihan literasi digital untuk pemuda",
    "Pasar murah menjelang hari raya",
    "Kerja bakti memperbaiki balai desa",
    "Penyuluhan pertanian lada dan karet",
    "Pemeriksaan kesehatan gratis",
    "Pembukaan sekolah PAUD baru",
    "Turnamen sepak bola antar-dusun",
    "Pelatihan menjahit untuk ibu-ibu PKK",
    "Penerangan jalan tenaga surya",
    "Pengelolaan sampah bank sampah",
    "Pendataan keluarga penerima manfaat",
    "Peringatan hari kemerdekaan",
    "Pengaspalan jalan poros desa",
    "Sosialisasi pemilu damai",
    "Program air bersih dan sumur bor",
    "Pelatihan pemasaran produk UMKM secara daring",
]
SENTENCES = [
    "Kegiatan ini diikuti warga dari semua dusun dengan penuh semangat.",
    "Kepala desa menyampaikan terima kasih atas partisipasi masyarakat.",
    "Dana kegiatan berasal dari anggaran dana desa tahun berjalan.",
    "Para kader posyandu membantu pendataan sejak pagi hari.",
    "Warga berharap kegiatan serupa dapat dilaksanakan secara rutin.",
    "Petugas dari kecamatan turut hadir memberikan pendampingan.",
    "Hasil musyawarah akan dibawa ke rapat di tingkat kecamatan.",
    "Sebagian besar pekerjaan diselesaikan secara swadaya oleh warga.",
    "KIM mendokumentasikan kegiatan ini untuk disebarkan kepada masyarakat.",
    "Pemerintah kabupaten berjanji menindaklanjuti usulan yang masuk.",
    "Anak-anak sekolah juga dilibatkan dalam kegiatan ini.",
    "Cuaca cerah membuat acara berjalan lancar hingga sore hari.",
    "Ketua RT mengimbau warga menjaga kebersihan lingkungan.",
    "Kegiatan ditutup dengan makan bersama di balai desa.",
    "Informasi lebih lanjut dapat ditanyakan kepada pengurus KIM.",
    "Bidan desa memberikan penyuluhan tentang gizi seimbang.",
    "Pemuda karang taruna menjadi panitia pelaksana.",
    "Tahun depan kegiatan ini direncanakan diperluas ke desa tetangga.",
]
COMPLAINTS = [
    "Jalan di depan SD rusak berat dan berlubang, sulit dilalui saat hujan.",
    "Lampu penerangan jalan di RT kami sudah mati lebih dari seminggu.",
    "Saluran drainase tersumbat sehingga air meluap ke rumah warga.",
    "Mohon bantuan perbaikan jembatan kayu yang mulai lapuk.",
    "Air bersih dari sumur bor desa tidak mengalir sejak tiga hari.",
    "Puskesmas pembantu sering tutup pada jam pelayanan.",
    "Sampah menumpuk di pinggir jalan karena tidak ada tempat pembuangan.",
    "Kami mengusulkan pelatihan keterampilan untuk pemuda putus sekolah.",
    "Jaringan internet di kantor desa sangat lambat untuk pelayanan.",
    "Banyak warga lanjut usia belum menerima bantuan sosial.",
    "Mohon pengerasan jalan menuju kebun warga sebelum musim panen.",
    "Guru honorer di sekolah kami belum menerima honor tiga bulan.",
]
ANSWERS = [
    "Terima kasih atas laporannya. Tim kami telah meninjau lokasi dan perbaikan "
    "dijadwalkan bulan ini.",
    "Usulan Anda sudah kami masukkan ke rencana kerja tahun depan.",
    "Perbaikan telah selesai dilaksanakan. Mohon konfirmasi bila masih ada kendala.",
    "Petugas sudah berkoordinasi dengan pemerintah desa untuk penanganannya.",
]
FIRST_NAMES = [
    "Agus", "Siti", "Budi", "Dewi", "Yohanes", "Maria", "Hendrik", "Rina", "Fransiskus",
    "Nur", "Stefanus", "Lestari", "Markus", "Yuliana", "Ahmad", "Veronika",
]  # fmt: skip
LAST_NAMES = [
    "Saputra", "Wulandari", "Sinaga", "Halim", "Simanjuntak", "Lubis", "Nyangun", "Atong",
    "Pratama", "Rahayu", "Dayanti", "Kurniawan",
]  # fmt: skip
CATEGORIES = [
    ("Jalan dan jembatan", 3, 10),
    ("Air bersih dan drainase", 3, 7),
    ("Kesehatan", 3, 5),
    ("Pendidikan", 3, 5),
    ("Lainnya", 3, 5),
]


def log(message: str) -> None:
    print(message, flush=True)


def create_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sql_array(values: list[str]) -> str:
    quoted = ",".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"ARRAY[{quoted}]::text[]"


def pick(values: list[str], index_sql: str) -> str:
    """SQL choosing one of values by an integer expression (deterministic)."""
    return f"({sql_array(values)})[1 + (({index_sql}) % {len(values)})]"


def insert_select(model, exprs: dict[str, str], source: str, *, returning: str = "") -> int:
    """INSERT INTO the model's table SELECT exprs FROM source; every column the caller
    does not give takes the model's default (or NULL / '' where the model allows it)."""
    from django.db import connection, models

    columns, selected, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and isinstance(field, models.AutoField):
            continue
        if field.name in exprs:
            selected.append(exprs[field.name].replace("%", "%%"))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            selected.append("now()")
        elif field.has_default():
            selected.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            selected.append("NULL")
        elif field.blank and isinstance(
            field, models.CharField | models.TextField | models.FileField
        ):
            selected.append("''")
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
        columns.append(connection.ops.quote_name(field.column))
    unknown = set(exprs) - {f.name for f in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
    # Model metadata and the generator's own SQL: no outside input.
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(columns)}) SELECT {', '.join(selected)} "
        f"FROM {source.replace('%', '%%')} {returning}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def scalar(sql: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0] or 0)


def execute(sql: str, params: tuple = ()) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


class Steps:
    def __init__(self) -> None:
        self.rows: list[tuple[str, int, float]] = []
        self.started = time.perf_counter()

    def run(self, name: str, function, *args) -> int:
        start = time.perf_counter()
        count = function(*args) or 0
        seconds = time.perf_counter() - start
        self.rows.append((name, count, seconds))
        log(f"  {name:<44} {count:>10,} rows {seconds:8.1f} s")
        return count


def load_regions() -> int:
    from django.core.management import call_command

    from jembatan.regions.models import Region

    call_command("import_regions", verbosity=0)
    call_command("load_holidays", verbosity=0)
    return Region.objects.count()


BENCH_DOMAIN = "bench.localhost"
DEMO_CODE = "61.07"  # Bengkayang, the demo's kabupaten: its hosts stay what the demo uses
DEMO_HOSTS = ("127.0.0.1", "localhost")


def bench_host(code: str) -> str:
    """The host a kabupaten/kota answers on in the benchmarks: 61.07 -> 61-07.bench.localhost
    (every name under .localhost resolves to the loopback)."""
    return f"{code.replace('.', '-')}.{BENCH_DOMAIN}"


def load_tenants(codes: list[str] | None = None) -> int:
    """A tenant per kabupaten/kota (or per code of ``codes``) with its host, in bulk;
    idempotent: a kabupaten that is a tenant already and a host that is taken are left as
    they are (a tenant made by the demo or an operator keeps its name, hosts and primary
    host). Returns the tenants and hosts created."""
    from jembatan.regions.models import Region
    from jembatan.tenants import resolve
    from jembatan.tenants.models import Tenant, TenantHost, province_zone

    before = Tenant.objects.count()
    Tenant.objects.bulk_create(
        [
            Tenant(
                region_id=code,
                name=f"Jembatan {name}",
                time_zone=province_zone(code),
            )
            for code, name in Region.objects.filter(
                level=Region.Level.KABUPATEN, **({"code__in": codes} if codes else {})
            )
            .order_by("code")
            .values_list("code", "name")
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    tenants = dict(Tenant.objects.values_list("region_id", "id"))
    taken = {h.lower() for h in TenantHost.objects.values_list("host", flat=True)}
    with_primary = set(
        TenantHost.objects.filter(is_primary=True).values_list("tenant_id", flat=True)
    )
    hosts = []
    for code, tenant_id in sorted(tenants.items()):
        names = [*DEMO_HOSTS, bench_host(code)] if code == DEMO_CODE else [bench_host(code)]
        for host in names:
            if host in taken:
                continue
            taken.add(host)
            hosts.append(
                TenantHost(tenant_id=tenant_id, host=host, is_primary=tenant_id not in with_primary)
            )
            with_primary.add(tenant_id)
    TenantHost.objects.bulk_create(hosts, batch_size=1000)
    resolve.clear()  # bulk_create sends no signal: this process forgets its snapshot
    return Tenant.objects.count() - before + len(hosts)


def load_government() -> int:
    """Two offices, an admin and five categories per kabupaten/kota."""
    from jembatan.accounts.models import Membership, Office, Role, User
    from jembatan.aspirations.models import Category

    kabupaten = "regions_region r WHERE r.level = 2"
    made = insert_select(
        Office,
        {
            "kabupaten": "r.code",
            "name": "'Dinas Komunikasi dan Informatika'",
            "short_name": "'Diskominfo'",
            "kind": "'diskominfo'",
        },
        kabupaten,
    )
    made += insert_select(
        Office,
        {
            "kabupaten": "r.code",
            "name": "'Dinas Pekerjaan Umum dan Penataan Ruang'",
            "short_name": "'Dinas PUPR'",
            "kind": "'opd'",
        },
        kabupaten,
    )
    made += insert_select(
        User,
        {
            "password": "'!'",  # unusable: these accounts cannot log in
            "email": "'admin.' || replace(r.code, '.', '-') || '@nasional.jembatan.test'",
            "full_name": "'Admin Diskominfo ' || r.name",
        },
        kabupaten,
    )
    made += insert_select(
        Membership,
        {
            "user": "u.id",
            "role": f"'{Role.KABUPATEN_ADMIN}'",
            "region": "r.code",
            "office": "o.id",
        },
        "regions_region r JOIN accounts_user u ON u.email = 'admin.' || "
        "replace(r.code, '.', '-') || '@nasional.jembatan.test' "
        "JOIN accounts_office o ON o.kabupaten_id = r.code AND o.kind = 'diskominfo' "
        "WHERE r.level = 2",
    )
    for name, verify_days, answer_days in CATEGORIES:
        made += insert_select(
            Category,
            {
                "kabupaten": "r.code",
                "name": f"'{name}'",
                "office": "o.id",
                "verify_days": str(verify_days),
                "answer_days": str(answer_days),
            },
            "regions_region r JOIN accounts_office o ON o.kabupaten_id = r.code "
            "AND o.kind = 'opd' WHERE r.level = 2",
        )
    return made


def load_kims(count: int) -> int:
    """KIMs in a fixed pseudo-random sample of the country's villages, with a ketua."""
    from jembatan.accounts.models import User
    from jembatan.communities.models import Kim, KimMembership, Position

    execute(
        "CREATE UNLOGGED TABLE nat_desa AS SELECT row_number() OVER (ORDER BY md5(code)) AS rn,"
        " code, name FROM regions_region WHERE level = 4"
    )
    execute("CREATE UNIQUE INDEX nat_desa_rn ON nat_desa (rn)")
    made = insert_select(
        Kim,
        {
            "name": "'KIM ' || d.name",
            "slug": "'kim-' || replace(d.code, '.', '-')",
            "region": "d.code",
            "kabupaten": "left(d.code, 5)",
            "level": "CASE WHEN substr(d.code, 10, 1) = '1' THEN 'kelurahan' ELSE 'desa' END",
            "description": "'Kelompok Informasi Masyarakat ' || d.name || '.'",
            "verified_at": "now() - interval '400 days'",
            "created_at": "now() - interval '800 days'",
        },
        f"nat_desa d WHERE d.rn <= {int(count)}",
    )
    first, last = pick(FIRST_NAMES, "k.id"), pick(LAST_NAMES, "k.id / 3")
    insert_select(
        User,
        {
            "password": "'!'",
            "email": "'ketua.' || k.slug || '@nasional.jembatan.test'",
            "full_name": f"{first} || ' ' || {last}",
            "date_joined": "now() - interval '800 days'",
        },
        "communities_kim k",
    )
    insert_select(
        KimMembership,
        {"kim": "k.id", "user": "u.id", "position": f"'{Position.KETUA}'"},
        "communities_kim k JOIN accounts_user u ON u.email = 'ketua.' || k.slug || "
        "'@nasional.jembatan.test'",
    )
    execute(
        "CREATE UNLOGGED TABLE nat_kim AS SELECT row_number() OVER (ORDER BY k.id) AS rn,"
        " k.id, k.kabupaten_id, m.user_id, r.name AS place FROM communities_kim k"
        " JOIN communities_kimmembership m ON m.kim_id = k.id"
        " JOIN regions_region r ON r.code = k.region_id"
    )
    execute("CREATE UNIQUE INDEX nat_kim_rn ON nat_kim (rn)")
    return made


def load_posts(count: int, batch: int = 250_000) -> int:
    from jembatan.sites.models import Post

    kims = scalar("SELECT count(*) FROM nat_kim")
    if not kims:
        return 0
    title = f"{pick(TOPICS, 'g * 7')} || ' di ' || k.place"
    sentence = [pick(SENTENCES, f"g * {m} + {i}") for i, m in enumerate((3, 5, 11, 13, 17))]
    body = (
        f"'<p>' || {sentence[0]} || ' ' || {sentence[1]} || ' ' || {sentence[2]} || '</p>"
        f"<p>' || {sentence[3]} || ' ' || {sentence[4]} || '</p>'"
    )
    published = "g % 20 <> 0"  # 95 %
    when = "now() - make_interval(days => ((g * 37) % 730)::int, mins => ((g * 13) % 1440)::int)"
    made = 0
    for start in range(1, count + 1, batch):
        end = min(count, start + batch - 1)
        made += insert_select(
            Post,
            {
                "kim": "k.id",
                "title": title,
                "slug": "'berita-' || g",
                "summary": sentence[0],
                "body": body,
                "tags": pick(["posyandu", "jalan desa", "pertanian", "umkm", "budaya"], "g"),
                "status": f"CASE WHEN {published} THEN 'published' ELSE 'draft' END",
                "author": "k.user_id",
                "created_at": when,
                "published_at": f"CASE WHEN {published} THEN {when} END",
            },
            f"generate_series({start}::bigint, {end}::bigint) AS g"
            f" JOIN nat_kim k ON k.rn = 1 + (g * 7919) % {kims}",
        )
    return made


def load_information(count: int) -> int:
    """Information items of the kabupaten with KIMs, delivered to its KIMs."""
    from jembatan.dissemination.models import Delivery, InfoItem

    execute(
        "CREATE UNLOGGED TABLE nat_kab AS SELECT row_number() OVER (ORDER BY kabupaten_id) AS rn,"
        " kabupaten_id AS code, min(user_id) AS author FROM nat_kim GROUP BY kabupaten_id"
    )
    kabupaten = scalar("SELECT count(*) FROM nat_kab")
    if not kabupaten:
        return 0
    execute(
        "UPDATE nat_kab SET author = m.user_id FROM accounts_membership m"
        " WHERE m.region_id = nat_kab.code AND m.role = 'kabupaten_admin'"
    )
    when = "now() - make_interval(days => ((g * 29) % 700)::int)"
    made = insert_select(
        InfoItem,
        {
            "area": "b.code",
            "title": f"{pick(TOPICS, 'g * 3')} || ' tahun ' || (2025 + g % 2)",
            "slug": "'informasi-' || g",
            "summary": pick(SENTENCES, "g"),
            "body": f"'<p>' || {pick(SENTENCES, 'g + 1')} || ' ' || {pick(SENTENCES, 'g + 7')}"
            " || '</p>'",
            "status": "'published'",
            "author": "b.author",
            "created_at": when,
            "published_at": when,
            "fanned_out_at": when,
        },
        f"generate_series(1::bigint, {int(count)}::bigint) AS g"
        f" JOIN nat_kab b ON b.rn = 1 + g % {kabupaten}",
    )
    made += insert_select(
        Delivery,
        {
            "item": "i.id",
            "kim": "k.id",
            "created_at": "i.published_at",
            "read_at": "CASE WHEN (i.id + k.id) % 3 <> 0"
            " THEN i.published_at + interval '1 day' END",
            "republished_at": "CASE WHEN (i.id + k.id) % 3 = 1"
            " THEN i.published_at + interval '2 days' END",
            "shared_at": "CASE WHEN (i.id + k.id) % 5 = 1"
            " THEN i.published_at + interval '2 days' END",
            "view_count": "CASE WHEN (i.id + k.id) % 3 = 1 THEN (i.id * 7 + k.id) % 120 ELSE 0 END",
        },
        "dissemination_infoitem i JOIN communities_kim k ON k.kabupaten_id = i.area_id",
    )
    execute(
        "UPDATE dissemination_infoitem i SET targeted_count = d.n FROM"
        " (SELECT item_id, count(*) AS n FROM dissemination_delivery GROUP BY item_id) d"
        " WHERE d.item_id = i.id"
    )
    return made


def code_sql(number_sql: str) -> str:
    """An 8-character tracking code from the product's alphabet for each number: a
    multiplication by a prime modulo 27^8 is a bijection, so the codes are unique and do
    not run in sequence."""
    x = f"(({number_sql})::numeric * 174548332367 % 282429536481)::bigint"
    digits = " || ".join(
        f"substr('{ALPHABET}', (({x} / {27**i}) % 27)::int + 1, 1)" for i in range(8)
    )
    return digits


def load_aspirations(count: int, batch: int = 250_000) -> int:
    from jembatan.aspirations.models import Aspiration, CaseEvent

    desa = scalar("SELECT count(*) FROM nat_desa")
    execute(
        "CREATE UNLOGGED TABLE nat_cat AS SELECT c.kabupaten_id AS code, c.id, c.office_id,"
        " row_number() OVER (PARTITION BY c.kabupaten_id ORDER BY c.id) - 1 AS idx"
        " FROM aspirations_category c"
    )
    execute("CREATE INDEX nat_cat_code ON nat_cat (code, idx)")
    bucket = "(g * 7) % 100"
    status = (
        f"CASE WHEN {bucket} < 8 THEN 'diterima' WHEN {bucket} < 16 THEN 'diverifikasi'"
        f" WHEN {bucket} < 30 THEN 'didisposisikan' WHEN {bucket} < 44 THEN 'ditindaklanjuti'"
        f" WHEN {bucket} < 95 THEN 'selesai' ELSE 'ditutup' END"
    )
    when = "now() - make_interval(days => ((g * 31) % 730)::int, mins => ((g * 17) % 1440)::int)"
    made = 0
    for start in range(1, count + 1, batch):
        end = min(count, start + batch - 1)
        made += insert_select(
            Aspiration,
            {
                "code": code_sql("g"),
                "kabupaten": "left(d.code, 5)",
                "region": "d.code",
                "category": "c.id",
                "description": f"{pick(COMPLAINTS, 'g * 5')} || ' (' || d.name || ')'",
                "visibility": pick(["anonim", "anonim", "publik", "rahasia"], "g"),
                "reporter_name": f"{pick(FIRST_NAMES, 'g')} || ' ' || {pick(LAST_NAMES, 'g * 7')}",
                "reporter_phone": "'+62899' || lpad((g % 10000000)::text, 7, '0')",
                "channel": pick(["web", "web", "kim", "sms", "whatsapp"], "g * 3"),
                "status": status,
                "office": f"CASE WHEN {bucket} >= 16 AND {bucket} < 95 THEN c.office_id END",
                "close_reason": f"CASE WHEN {bucket} >= 95 THEN "
                f"{pick(['duplikat', 'spam', 'di_luar_kewenangan'], 'g')} ELSE '' END",
                "verify_due": f"({when})::date + 5",
                "answer_due": f"CASE WHEN {bucket} >= 16 AND {bucket} < 95 THEN ({when})::date + 12"
                " END",
                "citizen_confirmed": f"CASE WHEN {bucket} >= 44 AND {bucket} < 95 AND g % 3 = 0"
                " THEN true END",
                "rating": f"CASE WHEN {bucket} >= 44 AND {bucket} < 95 AND g % 3 = 0"
                " THEN 2 + g % 4 END",
                "created_at": when,
            },
            f"generate_series({start}::bigint, {end}::bigint) AS g"
            f" JOIN nat_desa d ON d.rn = 1 + (g * 104729) % {desa}"
            " JOIN nat_cat c ON c.code = left(d.code, 5) AND c.idx = g % 5",
        )
    # The timeline: every step each case went through, a day or two apart.
    steps = [
        ("''", "'diterima'", "0", "TRUE"),
        ("'diterima'", "'diverifikasi'", "1", "a.status NOT IN ('diterima', 'ditutup')"),
        ("'diterima'", "'ditutup'", "1", "a.status = 'ditutup'"),
        (
            "'diverifikasi'",
            "'didisposisikan'",
            "2",
            "a.status IN ('didisposisikan', 'ditindaklanjuti', 'selesai')",
        ),
        (
            "'didisposisikan'",
            "'ditindaklanjuti'",
            "4",
            "a.status IN ('ditindaklanjuti', 'selesai')",
        ),
        ("'ditindaklanjuti'", "'selesai'", "3 + a.id % 9", "a.status = 'selesai'"),
    ]
    for from_status, to_status, days, condition in steps:
        made += insert_select(
            CaseEvent,
            {
                "aspiration": "a.id",
                "kind": "'status'",
                "from_status": from_status,
                "to_status": to_status,
                "body": (f"{pick(ANSWERS, 'a.id')}" if to_status == "'selesai'" else "''"),
                "office": "a.office_id",
                "created_at": f"a.created_at + make_interval(days => ({days})::int)",
            },
            f"aspirations_aspiration a WHERE {condition}",
        )
    return made


def analyze() -> int:
    execute("DROP TABLE IF EXISTS nat_desa, nat_kim, nat_kab, nat_cat")
    execute("VACUUM ANALYZE")
    return 0


def counts() -> list[tuple[str, int]]:
    from jembatan.aspirations.models import Aspiration, CaseEvent
    from jembatan.communities.models import Kim
    from jembatan.dissemination.models import Delivery, InfoItem
    from jembatan.regions.models import Region
    from jembatan.sites.models import Post
    from jembatan.tenants.models import Tenant, TenantHost

    return [
        ("desa/kelurahan", Region.objects.filter(level=4).count()),
        ("tenants", Tenant.objects.count()),
        ("tenant hosts", TenantHost.objects.count()),
        ("KIMs", Kim.objects.count()),
        ("posts", Post.objects.count()),
        ("posts published", Post.objects.filter(status="published").count()),
        ("information items", InfoItem.objects.count()),
        ("deliveries", Delivery.objects.count()),
        ("aspirations", Aspiration.objects.count()),
        ("case events", CaseEvent.objects.count()),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server URL (its database is used to create ours)",
    )
    parser.add_argument("--database", default=DEFAULT_DB, help=f"default {DEFAULT_DB}")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full size")
    parser.add_argument("--kims", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--aspirations", type=int, default=1_000_000)
    parser.add_argument("--drop", action="store_true", help="drop the database and stop")
    parser.add_argument(
        "--tenants-only",
        action="store_true",
        help="add the tenants to an existing database (idempotent) and stop",
    )
    opts = parser.parse_args()
    if opts.drop:
        drop_database(opts.postgres, opts.database)
        log(f"Dropped {opts.database}.")
        return 0

    def scaled(n: int) -> int:
        return max(1, round(n * opts.scale))

    url = server_url(opts.postgres, opts.database)
    if opts.tenants_only:
        setup_django(url, DEBUG="0", ALLOWED_HOSTS="127.0.0.1")
        from django.db import transaction

        with transaction.atomic():
            log(f"{opts.database}: {load_tenants():,} tenants and hosts added")
        return 0
    log(f"Creating {opts.database} (scale {opts.scale:g}) ...")
    create_database(opts.postgres, opts.database)
    setup_django(
        url,
        **{
            name: os.environ.get(name, default)
            for name, default in {
                "DEBUG": "0",
                "ALLOWED_HOSTS": "127.0.0.1",
                "JEMBATAN_VAR_DIR": str(Path("/tmp") / "jembatan-national-var"),  # noqa: S108
            }.items()
        },
    )
    from django.core.management import call_command
    from django.db import transaction

    steps = Steps()
    steps.run("migrate", lambda: call_command("migrate", verbosity=0))
    steps.run("regions (all of Indonesia) and holidays", load_regions)
    with transaction.atomic():
        steps.run("tenants and their hosts (every kabupaten/kota)", load_tenants)
    steps.run("offices, admins, categories per kabupaten", load_government)
    with transaction.atomic():
        steps.run("KIMs with their ketua", load_kims, scaled(opts.kims))
    steps.run("posts", load_posts, scaled(opts.posts))
    with transaction.atomic():
        steps.run("information items and deliveries", load_information, scaled(opts.items))
    steps.run("aspirations and their timelines", load_aspirations, scaled(opts.aspirations))
    steps.run("VACUUM ANALYZE", analyze)
    total = time.perf_counter() - steps.started
    log("")
    log(f"{'table':<24} {'rows':>12}")
    log(f"{'-' * 24} {'-' * 12}")
    for name, value in counts():
        log(f"{name:<24} {value:>12,}")
    log("")
    goal = 30 * 60
    met = total < goal or opts.scale < 1
    log(
        f"Loaded {opts.database} in {total / 60:.1f} min"
        + (
            f" (goal under 30 min: {'met' if total < goal else 'MISSED'})"
            if opts.scale >= 1
            else ""
        )
        + f". DATABASE_URL={url}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

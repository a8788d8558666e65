"""The monthly aspirations report per office, for the Bupati's Monday meeting.

Every figure is what it was at the end of the month (23:59:59 local time on its last
day), read from the case events, not from the case's status today: a case answered in
the following month still counts as open in this month's report. The rules, also
printed under the report (``RULES``):

- A case belongs to the office that held it at the end of the month: the office of its
  last referral (disposisi) up to then, unless the office sent it back; cases no office
  held are Diskominfo's ("Belum didisposisikan").
- Received: cases received from citizens in the month. Answered: cases that got an
  answer (status "selesai") in the month.
- Open at month end: received, verified, referred or in progress at that moment.
  Overdue at month end: open and past its deadline on the month's last day: the
  verification deadline set at intake, or the answer deadline as the audit trail last
  set it before the month ended (referral, extension, a citizen's dispute); where no
  audit row exists, the referral's date plus the category's working days.
- Working days as deadlines count them (core.workdays: weekends, national and the
  kabupaten's holidays off), from the day received: to the first response (the first
  step or public answer by staff) for cases first answered in the month, and to the
  answer for cases answered in the month.
- Satisfaction: the citizens' ratings (1-5) given in the month, average and count.

Queries are bounded: cases, events and audit rows are read in a few queries per report
(audit rows in chunks of ids), and everything else is computed in Python.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.models import AuditLog, Office
from jembatan.aspirations.audit_actions import AuditAction as AspirationAction
from jembatan.aspirations.models import Aspiration, CaseEvent
from jembatan.aspirations.models import Status as S
from jembatan.aspirations.services import display_code
from jembatan.core.workdays import add_working_days, local_date, working_days_between

OPEN = frozenset({S.RECEIVED, S.VERIFIED, S.DISPOSED, S.IN_PROGRESS})
RETURNED_FROM = frozenset({S.DISPOSED, S.IN_PROGRESS})
DEADLINE_ACTIONS = (AspirationAction.DISPOSE, AspirationAction.EXTEND, AspirationAction.DISPUTE)
RATING_ACTIONS = (AspirationAction.CONFIRM, AspirationAction.DISPUTE)
AUDIT_CHUNK = 500

RULES = [
    gettext_lazy(
        "Semua angka adalah keadaan pada akhir bulan (pukul 23.59.59 waktu setempat pada hari "
        "terakhir), dihitung dari riwayat aspirasi, bukan dari status hari ini."
    ),
    gettext_lazy(
        "Aspirasi dihitung pada instansi yang memegangnya pada akhir bulan (disposisi "
        "terakhir yang tidak dikembalikan); yang belum didisposisikan dihitung pada Diskominfo."
    ),
    gettext_lazy(
        "Terlambat: masih terbuka dan batas waktunya sebelum hari terakhir bulan itu. Batas "
        "waktu jawaban menurut catatan audit terakhir sebelum akhir bulan (disposisi, "
        "perpanjangan, keberatan warga); tanpa catatan audit: tanggal disposisi ditambah hari "
        "kerja kategori."
    ),
    gettext_lazy(
        "Hari kerja dihitung seperti batas waktu: tanpa Sabtu, Minggu, libur nasional, cuti "
        "bersama dan libur daerah, sejak hari aspirasi diterima."
    ),
    gettext_lazy(
        "Tanggapan pertama: langkah atau jawaban publik pertama dari petugas. Kepuasan: "
        "penilaian warga (1-5) yang diberikan pada bulan itu. Tanpa data pribadi pelapor."
    ),
]


@dataclass
class CaseLine:
    """One case as it stood at the end of the month. No personal data."""

    pk: int
    code: str
    kabupaten_code: str
    category: str
    kecamatan_code: str
    kecamatan: str
    created_at: datetime.datetime
    status: str = ""
    office_id: int | None = None
    due: datetime.date | None = None
    received: bool = False
    overdue: bool = False
    first_response_days: int | None = None  # when first responded to in the month
    answer_days: int | None = None  # when answered in the month
    answered: bool = False
    rating: int | None = None  # a rating given in the month
    current_rating: int | None = None  # the case's rating today (fallback)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def in_month(self) -> bool:
        """Whether the case belongs in the month's list."""
        return (
            self.received
            or self.is_open
            or self.answered
            or self.first_response_days is not None
            or self.rating is not None
        )

    @property
    def status_label(self) -> str:
        return str(S(self.status).label) if self.status else ""


@dataclass
class Row:
    key: object
    name: str
    received: int = 0
    answered: int = 0
    open: int = 0
    overdue: int = 0
    first_days: list[int] = field(default_factory=list)
    answer_days: list[int] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    def add(self, line: CaseLine) -> None:
        self.received += line.received
        self.answered += line.answered
        self.open += line.is_open
        self.overdue += line.overdue
        if line.first_response_days is not None:
            self.first_days.append(line.first_response_days)
        if line.answer_days is not None:
            self.answer_days.append(line.answer_days)
        if line.rating is not None:
            self.ratings.append(line.rating)

    @property
    def median_first(self) -> float | None:
        return statistics.median(self.first_days) if self.first_days else None

    @property
    def median_answer(self) -> float | None:
        return statistics.median(self.answer_days) if self.answer_days else None

    @property
    def satisfaction(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    @property
    def rating_count(self) -> int:
        return len(self.ratings)


@dataclass
class Table:
    title: str
    label: str  # the first column's header
    rows: list[Row]
    total: Row


@dataclass
class OfficeReport:
    month: datetime.date
    last_day: datetime.date
    partial: bool  # the current month: figures as of now
    tables: list[Table]
    lines: list[CaseLine]  # the month's cases (of the office, when one is chosen)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first moment and the first moment of the next, in local time."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=zone),
    )


def build(
    *,
    cases: QuerySet[Aspiration],
    month: datetime.date,
    kabupaten_code: str | None = None,
    office=None,
) -> OfficeReport:
    """The month's figures of ``cases`` (of one kabupaten when its code is given; the
    working days of each case are those of its own kabupaten)."""
    start, end = month_bounds(month)
    last_day = (end - datetime.timedelta(days=1)).date()
    # Cases the month can concern: received by its end, and either changed since it began
    # or still open today (a case done and untouched before the month has no figure here).
    if kabupaten_code is not None:
        cases = cases.filter(kabupaten_id=kabupaten_code)
    candidates = cases.filter(created_at__lt=end).filter(
        Q(updated_at__gte=start) | Q(status__in=list(OPEN))
    )
    lines: dict[int, CaseLine] = {}
    answer_days_of: dict[int, int] = {}
    for pk, code, kab, created, cat, days, kec, kec_name, verify_due, rating in candidates.order_by(
        "created_at", "pk"
    ).values_list(
        "pk",
        "code",
        "kabupaten_id",
        "created_at",
        "category__name",
        "category__answer_days",
        "region__parent_id",
        "region__parent__name",
        "verify_due",
        "rating",
    ):
        lines[pk] = CaseLine(
            pk=pk,
            code=code,
            kabupaten_code=kab,
            category=cat,
            kecamatan_code=kec or "",
            kecamatan=kec_name or "",
            created_at=created,
            received=start <= created < end,
            due=verify_due,
            current_rating=rating,
        )
        answer_days_of[pk] = days
    if not lines:
        return _report(month, last_day, [], office)
    audit = _audit_rows(list(lines), end)
    events = (
        CaseEvent.objects.filter(
            aspiration__in=candidates.values("pk"),
            created_at__lt=end,
            kind__in=[CaseEvent.Kind.STATUS, CaseEvent.Kind.ANSWER],
        )
        .order_by("aspiration_id", "created_at", "id")
        .values_list("aspiration_id", "kind", "from_status", "to_status", "office_id", "created_at")
    )
    walked: dict[int, list] = {}
    for row in events.iterator(chunk_size=2000):
        walked.setdefault(row[0], []).append(row[1:])
    for pk, line in lines.items():
        _walk(
            line,
            walked.get(pk, []),
            audit.get(pk, []),
            start=start,
            last_day=last_day,
            answer_days=answer_days_of[pk],
        )
    return _report(month, last_day, list(lines.values()), office)


def _audit_rows(pks: list[int], end: datetime.datetime) -> dict[int, list]:
    """Deadline and rating changes per case, oldest first, up to the month's end."""
    kind = ContentType.objects.get_for_model(Aspiration)
    found: dict[int, list] = {}
    for i in range(0, len(pks), AUDIT_CHUNK):
        chunk = [str(pk) for pk in pks[i : i + AUDIT_CHUNK]]
        rows = (
            AuditLog.objects.filter(
                target_type=kind,
                target_id__in=chunk,
                action__in=sorted(set(DEADLINE_ACTIONS) | set(RATING_ACTIONS)),
                created_at__lt=end,
            )
            .order_by("created_at", "id")
            .values_list("target_id", "action", "after", "created_at")
        )
        for target, action, after, when in rows:
            found.setdefault(int(target), []).append((action, after or {}, when))
    return found


def _walk(
    line: CaseLine,
    events: Iterable[tuple],
    audit: list[tuple],
    *,
    start: datetime.datetime,
    last_day: datetime.date,
    answer_days: int,
) -> None:
    """Replay one case's events up to the month's end (a case without its intake event,
    from an import, starts as received)."""
    kabupaten_code = line.kabupaten_code
    status = S.RECEIVED
    office = None
    first_response = None
    answered_at = None
    answer_due = None  # computed from the events, when no audit row says otherwise
    responded_in_month = False
    for kind, from_status, to_status, office_id, when in events:
        if kind == CaseEvent.Kind.ANSWER:
            first_response = first_response or when
            continue
        if not from_status:  # the intake
            continue
        if from_status == S.DONE:  # the citizen's confirmation or dispute
            responded_in_month = responded_in_month or when >= start
        else:
            first_response = first_response or when
        if to_status == S.DISPOSED:
            office = office_id
        elif to_status == S.VERIFIED and from_status in RETURNED_FROM:
            office = None
        elif to_status == S.DONE and office_id is not None:
            office = office_id
        if to_status == S.DISPOSED or (from_status == S.DONE and to_status == S.IN_PROGRESS):
            answer_due = add_working_days(when, answer_days, kabupaten_code=kabupaten_code)
        if to_status == S.DONE and from_status != S.DONE and when >= start:
            answered_at = when
        status = to_status or status
    line.status = status
    line.office_id = office
    if first_response is not None and first_response >= start:
        line.first_response_days = working_days_between(
            line.created_at, first_response, kabupaten_code=kabupaten_code
        )
    if answered_at is not None:
        line.answered = True
        line.answer_days = working_days_between(
            line.created_at, answered_at, kabupaten_code=kabupaten_code
        )
    deadline_rows = [a for a in audit if a[0] in DEADLINE_ACTIONS and "answer_due" in a[1]]
    if deadline_rows:
        answer_due = parse_date(deadline_rows[-1][1]["answer_due"] or "") or None
    if status in (S.DISPOSED, S.IN_PROGRESS):
        line.due = answer_due
    elif status != S.RECEIVED:
        line.due = None
    # Late when the deadline had passed on the month's last day (today, for this month).
    reference = min(last_day, timezone.localdate())
    line.overdue = line.is_open and line.due is not None and line.due < reference
    if responded_in_month:
        ratings = [a for a in audit if a[0] in RATING_ACTIONS and a[2] >= start]
        # The rating given with the response; the case's own when no audit row has it.
        line.rating = ratings[-1][1].get("rating") if ratings else line.current_rating


def _report(month, last_day, lines: list[CaseLine], office) -> OfficeReport:

    partial = last_day >= timezone.localdate()
    if office is not None:
        lines = [line for line in lines if line.office_id == office.pk]
    names = dict(
        Office.objects.filter(pk__in={x.office_id for x in lines if x.office_id}).values_list(
            "pk", "name"
        )
    )
    unassigned = _("Belum didisposisikan (Diskominfo)")
    tables = [
        _table(
            _("Per instansi"),
            _("Instansi"),
            lines,
            lambda x: (names.get(x.office_id, ""), x.office_id) if x.office_id else ("", None),
            lambda key: key[0] or unassigned,
        ),
        _table(
            _("Per kecamatan"),
            _("Kecamatan"),
            lines,
            lambda x: (x.kecamatan, x.kecamatan_code),
            lambda key: key[0],
        ),
        _table(
            _("Per kategori"), _("Kategori"), lines, lambda x: (x.category, ""), lambda key: key[0]
        ),
    ]
    return OfficeReport(
        month=month,
        last_day=last_day,
        partial=partial,
        tables=tables,
        lines=[x for x in lines if x.in_month],
    )


def _table(title, label, lines: list[CaseLine], key, name) -> Table:
    rows: dict[object, Row] = {}
    total = Row(key=None, name=_("Jumlah"))
    for line in lines:
        if not line.in_month:
            continue
        k = key(line)
        if k not in rows:
            rows[k] = Row(key=k, name=name(k))
        rows[k].add(line)
        total.add(line)
    ordered = sorted(rows.values(), key=lambda r: (r.key[1] is None, r.name))
    return Table(title=str(title), label=str(label), rows=ordered, total=total)


# --- Output: the same figures on the page, in the PDF, the CSV and the XLSX ------------


def columns() -> list[str]:
    return [
        _("Diterima"),
        _("Dijawab"),
        _("Terbuka akhir bulan"),
        _("Terlambat akhir bulan"),
        _("Median hari kerja sampai tanggapan pertama"),
        _("Median hari kerja sampai dijawab"),
        _("Kepuasan (1-5)"),
        _("Jumlah penilaian"),
    ]


def row_values(row: Row) -> list:
    """A row's figures as numbers (None where there is nothing to measure)."""
    satisfaction = None if row.satisfaction is None else round(row.satisfaction, 2)
    return [
        row.received,
        row.answered,
        row.open,
        row.overdue,
        _days(row.median_first),
        _days(row.median_answer),
        satisfaction,
        row.rating_count,
    ]


def line_columns() -> list[str]:
    return [
        _("Kode"),
        _("Instansi"),
        _("Kecamatan"),
        _("Kategori"),
        _("Tanggal diterima"),
        _("Status akhir bulan"),
        _("Batas waktu akhir bulan"),
        _("Terlambat"),
        _("Hari kerja sampai tanggapan pertama"),
        _("Hari kerja sampai dijawab"),
        _("Penilaian"),
    ]


def line_values(line: CaseLine, office_names: dict) -> list:

    return [
        display_code(line.code),
        office_names.get(line.office_id, "") if line.office_id else "",
        line.kecamatan,
        line.category,
        local_date(line.created_at, line.kabupaten_code),
        line.status_label,
        line.due,
        _("Ya") if line.overdue else _("Tidak"),
        line.first_response_days,
        line.answer_days,
        line.rating,
    ]


def summary_rows(report: OfficeReport) -> Iterable[list]:
    """Every table in one sheet: the table's name, the row's name, its figures."""
    for table in report.tables:
        for row in [*table.rows, table.total]:
            yield [table.title, row.name, *row_values(row)]


def office_names(report: OfficeReport) -> dict:

    ids = {x.office_id for x in report.lines if x.office_id}
    return dict(Office.objects.filter(pk__in=ids).values_list("pk", "name"))


def _days(value: float | None) -> float | None:
    """A median in days, always with one decimal (half days come from even counts)."""
    return None if value is None else round(float(value), 1)

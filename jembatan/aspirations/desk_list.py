"""The staff desk's case list: search, filters, sorting, the list's query string carried
to a case and back, and the next case of the same list.

Every choice a filter offers comes from what the user may see (their kabupaten's
kecamatan, desa, categories, offices and officers); a value that is not offered is
ignored (the form says so), never a 500. The list is built on get_cases_for_user and
stays at a constant number of queries however many cases match (select_related, one
annotation for the deadline, an EXISTS for photos).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django import forms
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.forms.utils import flatatt
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.access import AnyUser, get_memberships_for_user, is_operator
from jembatan.accounts.models import Membership, Office, Role, User
from jembatan.aspirations.access import get_cases_for_user
from jembatan.aspirations.models import (
    ANSWER_STAGE,
    NO_DUE,
    OPEN_STATUSES,
    VERIFY_STAGE,
    Aspiration,
    AspirationPhoto,
    CaseEvent,
    Category,
    Status,
)
from jembatan.aspirations.services import CODE_ALPHABET, CODE_LENGTH, normalize_code
from jembatan.communities.access import get_member_kims_for_user
from jembatan.core.localcache import LocalCache
from jembatan.regions.models import Region

OPEN = "terbuka"
MAX_QUERY = 100  # characters of a search

# Sorts: the keys of the ordering, each (annotation or field, ascending).
SORTS: dict[str, list[tuple[str, bool]]] = {
    "tenggat": [("due_sort", True), ("created_at", True), ("id", True)],
    "terlama": [("created_at", True), ("id", True)],
    "terbaru": [("created_at", False), ("id", False)],
}
SORT_CHOICES = [
    ("tenggat", _("Batas waktu terdekat dulu")),
    ("terlama", _("Terlama diterima dulu")),
    ("terbaru", _("Terbaru diterima dulu")),
]
DEADLINE_CHOICES = [
    ("", _("Semua")),
    ("terlambat", _("Lewat batas waktu")),
    ("hari-ini", _("Batas hari ini")),
    ("minggu-ini", _("Batas minggu ini")),
]
# The parameters of the list: what a link back to it may carry, nothing else.
LIST_KEYS = (
    "cari",
    "status",
    "kecamatan",
    "desa",
    "kategori",
    "instansi",
    "saluran",
    "jenis",
    "visibilitas",
    "foto",
    "tenggat",
    "petugas",
    "dikembalikan",
    "urut",
    "halaman",
)
MAX_LIST_QUERY = 1000


def due_expression():
    """The deadline of the stage a case is in (Aspiration.due, in SQL)."""
    return Case(
        When(status__in=VERIFY_STAGE, then=F("verify_due")),
        When(status__in=ANSWER_STAGE, then=F("answer_due")),
        default=Value(None, output_field=DateField()),
        output_field=DateField(),
    )


@dataclass
class Scope:
    """What the user's filters may offer."""

    operator: bool
    kabupaten: list[str] = field(default_factory=list)
    # Area prefixes: a kabupaten (admin, officer) or the kecamatan/desa of a camat or KIM.
    areas: list[str] = field(default_factory=list)
    offices: list[int] = field(default_factory=list)
    whole_kabupaten_offices: bool = False


def desk_scope(user: AnyUser) -> Scope:
    if is_operator(user):
        return Scope(operator=True)
    scope = Scope(operator=False)
    for m in get_memberships_for_user(user):
        if m.role == Role.KABUPATEN_ADMIN and m.region_id:
            scope.kabupaten.append(m.region_id)
            scope.areas.append(m.region_id)
            scope.whole_kabupaten_offices = True
        elif m.role == Role.CAMAT and m.region_id:
            scope.kabupaten.append(m.region_id[:5])
            scope.areas.append(m.region_id)
            scope.whole_kabupaten_offices = True
        elif m.role == Role.OPD_OFFICER and m.office_id:
            scope.kabupaten.append(m.office.kabupaten_id)
            scope.areas.append(m.office.kabupaten_id)
            scope.offices.append(m.office_id)
    for kim in get_member_kims_for_user(user):
        scope.kabupaten.append(kim.region_id[:5])
        scope.areas.append(kim.region_id)
        scope.whole_kabupaten_offices = True
    scope.kabupaten = sorted(set(scope.kabupaten))
    scope.areas = sorted(set(scope.areas))
    return scope


def _in_areas(code: str, areas: list[str]) -> bool:
    return any(code == a or code.startswith(f"{a}.") or a.startswith(f"{code}.") for a in areas)


def looks_like_code(text: str) -> str:
    """The stored code a search means, when it is one ('fzpu-3krp' → 'FZPU3KRP')."""
    code = normalize_code(text)
    if len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code):
        return code
    return ""


@dataclass(frozen=True)
class ScopeChoices:
    """What the filters offer for a scope: (code, name) of the kecamatan, (pk, label) of
    the categories, the offices and the officers (shared, read only)."""

    kecamatan: list[tuple[str, str]]
    categories: list[tuple[str, str]]
    offices: list[Office]
    officers: list[User]


# The filters' choices are the same for everyone with the same scope (every Diskominfo
# admin of a kabupaten) and read on every view of the list: each process keeps them for
# a minute. Saving or deleting a category, office, membership, user or region clears
# this process's copy at once (apps.py); another process shows the change within the
# minute. Writes (the bulk actions) never read this copy: they check against the
# database (officers_for, _bulk_offices).
scope_choices: LocalCache[ScopeChoices] = LocalCache(seconds=60, max_entries=1024)
scope_desa: LocalCache[list[tuple[str, str]]] = LocalCache(seconds=60, max_entries=1024)
# The filter form drawn from those choices (core/_form.html, a fifth of the list's time):
# the same HTML for everyone with the scope, the language and the filters chosen.
filter_html: LocalCache[str] = LocalCache(seconds=60, max_entries=1024)
# Cleared together (apps.py) when a category, office, membership, user or region changes.
SCOPE_CACHES = (scope_choices, scope_desa, filter_html)


def _scope_key(scope: Scope) -> tuple:
    return (
        scope.operator,
        tuple(scope.kabupaten),
        tuple(scope.areas),
        tuple(sorted(scope.offices)),
        scope.whole_kabupaten_offices,
    )


def choices_for(scope: Scope) -> ScopeChoices:
    return scope_choices.get(_scope_key(scope), lambda: _load_choices(scope))


def _load_choices(scope: Scope) -> ScopeChoices:
    if scope.operator or not scope.kabupaten:
        return ScopeChoices(kecamatan=[], categories=[], offices=[], officers=[])
    below = Q(pk__in=[])
    for code in scope.kabupaten:
        below |= Q(code__startswith=f"{code}.")
    kecamatan = Region.objects.filter(below, level=Region.Level.KECAMATAN).order_by("name")
    categories = Category.objects.filter(kabupaten_id__in=scope.kabupaten)
    offices = (
        Office.objects.filter(kabupaten_id__in=scope.kabupaten)
        if scope.whole_kabupaten_offices
        else Office.objects.filter(pk__in=scope.offices)
    )
    multi = len(scope.kabupaten) > 1
    return ScopeChoices(
        kecamatan=[
            (code, name)
            for code, name in kecamatan.values_list("code", "name")
            if _in_areas(code, scope.areas)
        ],
        categories=[
            (str(pk), f"{name} ({kabupaten})" if multi else name)
            for pk, name, kabupaten in categories.values_list("pk", "name", "kabupaten_id")
        ],
        offices=list(offices),
        officers=list(officers_for(scope)),
    )


def desa_choices(kecamatan: str, scope: Scope) -> list[tuple[str, str]]:
    """(code, name) of the desa of a kecamatan the scope offers, kept as choices_for."""

    def load() -> list[tuple[str, str]]:
        rows = Region.objects.filter(level=Region.Level.DESA).within(kecamatan).order_by("name")
        return [
            (code, name)
            for code, name in rows.values_list("code", "name")
            if _in_areas(code, scope.areas)
        ]

    return scope_desa.get((kecamatan, tuple(scope.areas)), load)


class QuickSelect(forms.Select):
    """A select drawn in Python, the same markup as Django's template: the filters offer
    up to a hundred options, and the template draws each through two includes (a fifth
    of the list's time). No option groups (the filters have none)."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen = set(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = option_value in chosen
            if selected:
                chosen = set()  # one selected option, as Django's Select
            options.append(
                f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                f"{escape(label)}</option>"
            )
        built = flatatt(self.build_attrs(self.attrs, attrs))  # escaped by flatatt
        html = f'<select name="{escape(name)}"{built}>{"".join(options)}</select>'
        return mark_safe(html)  # noqa: S308 (every value escaped above)


class SearchForm(forms.Form):
    cari = forms.CharField(
        label=_("Cari isi, lokasi atau kode lacak"),
        required=False,
        max_length=MAX_QUERY,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class DeskFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False, widget=QuickSelect)
    desa = forms.ChoiceField(label=_("Desa/kelurahan"), required=False, widget=QuickSelect)
    kategori = forms.ChoiceField(label=_("Kategori"), required=False, widget=QuickSelect)
    instansi = forms.ChoiceField(label=_("Instansi"), required=False, widget=QuickSelect)
    saluran = forms.ChoiceField(
        label=_("Saluran"),
        required=False,
        widget=QuickSelect,
        choices=[("", _("Semua")), *Aspiration.Channel.choices],
    )
    jenis = forms.ChoiceField(
        label=_("Jenis laporan"),
        required=False,
        widget=QuickSelect,
        choices=[("", _("Semua")), *Aspiration.ReportType.choices],
    )
    visibilitas = forms.ChoiceField(
        label=_("Tampil untuk umum"),
        required=False,
        widget=QuickSelect,
        choices=[
            ("", _("Semua")),
            (Aspiration.Visibility.PUBLIC, _("Publik")),
            (Aspiration.Visibility.ANONYMOUS, _("Anonim")),
            (Aspiration.Visibility.CONFIDENTIAL, _("Rahasia")),
        ],
    )
    foto = forms.ChoiceField(
        label=_("Foto"),
        required=False,
        widget=QuickSelect,
        choices=[("", _("Semua")), ("ada", _("Ada foto")), ("tidak", _("Tanpa foto"))],
    )
    tenggat = forms.ChoiceField(
        label=_("Batas waktu"), required=False, widget=QuickSelect, choices=DEADLINE_CHOICES
    )
    petugas = forms.ChoiceField(label=_("Ditangani oleh"), required=False, widget=QuickSelect)
    dikembalikan = forms.BooleanField(label=_("Dikembalikan oleh instansi"), required=False)
    urut = forms.ChoiceField(
        label=_("Urutan"), required=False, widget=QuickSelect, choices=SORT_CHOICES
    )

    def __init__(self, data: QueryDict, *, user: AnyUser, scope: Scope) -> None:
        data = data.copy()
        if data.get("terlambat") == "1" and not data.get("tenggat"):
            data["tenggat"] = "terlambat"  # the list's older link
        desa = data.get("desa") or ""
        if desa and not data.get("kecamatan"):
            data["kecamatan"] = desa[:8]
        super().__init__(data, auto_id="f-%s")
        self.user, self.scope = user, scope
        self.fields["status"].choices = [
            ("", _("Semua")),
            (OPEN, _("Belum selesai")),
            *Status.choices,
        ]
        everyone = [("", _("Semua"))]
        offered = choices_for(scope)
        self.fields["kecamatan"].choices = everyone + offered.kecamatan
        chosen = data.get("kecamatan") or ""
        desa = []
        if chosen in {code for code, _name in offered.kecamatan}:
            desa = desa_choices(chosen, scope)
        self.fields["desa"].choices = everyone + desa
        self.fields["kategori"].choices = everyone + offered.categories
        self.offices = offered.offices
        self.fields["instansi"].choices = [
            *everyone,
            ("tanpa", _("Belum didisposisikan")),
            *[(str(o.pk), o.name) for o in offered.offices],
        ]
        self.officers = offered.officers
        self.fields["petugas"].choices = [
            *everyone,
            ("saya", _("Saya")),
            ("belum", _("Belum ada petugas")),
            *[(str(u.pk), str(u)) for u in self.officers],
        ]
        self.is_valid()  # fields with a value not offered are left out (see errors)

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name) or ""

    @property
    def active(self) -> int:
        """How many filters (not the search, not the sort) are in use."""
        return sum(1 for name in self.fields if name != "urut" and self.cleaned_data.get(name))


def sent_back() -> Exists:
    """Cases an office sent back to Diskominfo at some step (verified again, from an
    answering stage): with ``status=diverifikasi`` and no office, the "sent back" queue."""
    return Exists(
        CaseEvent.objects.filter(
            aspiration=OuterRef("pk"),
            kind=CaseEvent.Kind.STATUS,
            from_status__in=[Status.DISPOSED, Status.IN_PROGRESS],
            to_status=Status.VERIFIED,
        )
    )


def officers_for(scope: Scope) -> QuerySet[User]:
    """Who may be named as a case's officer: Diskominfo of the kabupaten and officers of
    the offices the user's filters offer."""
    if scope.operator or not scope.kabupaten:
        return User.objects.none()
    rows = Membership.objects.filter(role=Role.KABUPATEN_ADMIN, region_id__in=scope.kabupaten)
    offices = (
        Office.objects.filter(kabupaten_id__in=scope.kabupaten).values("pk")
        if scope.whole_kabupaten_offices
        else scope.offices
    )
    rows = rows | Membership.objects.filter(role=Role.OPD_OFFICER, office_id__in=offices)
    return User.objects.filter(pk__in=rows.values("user_id"), is_active=True).order_by(
        "full_name", "email"
    )


class DeskList:
    """The list for one request: the form, the matching cases, the query string."""

    def __init__(self, user: AnyUser, params: QueryDict) -> None:
        self.user = user
        self.scope = desk_scope(user)
        self.search = SearchForm(params, auto_id="s-%s")
        self.search.is_valid()
        self.form = DeskFilterForm(params, user=user, scope=self.scope)
        self.sort = self.form.value("urut") or "tenggat"
        self.text = " ".join((self.search.cleaned_data.get("cari") or "").split())
        self._cases: QuerySet[Aspiration] | None = None

    def code(self) -> str:
        """The case code the search names, when it names one the user may open."""
        code = looks_like_code(self.text)
        if code and get_cases_for_user(self.user).filter(code=code).exists():
            return code
        return ""

    def cases(self) -> QuerySet[Aspiration]:
        if self._cases is None:
            self._cases = self._build()
        return self._cases.all()

    def _build(self) -> QuerySet[Aspiration]:
        f = self.form.value
        cases = get_cases_for_user(self.user)
        if not self.scope.operator:
            # Implied by the access rule (every case a non-operator sees lies in one of
            # their kabupaten), said outright so that the database starts from the
            # kabupaten's index instead of reading every case of the country.
            cases = cases.filter(kabupaten_id__in=self.scope.kabupaten)
        cases = (
            cases.select_related("assignee", "region__parent")
            .annotate(due_on=due_expression())
            .annotate(due_sort=Coalesce("due_on", Value(NO_DUE)))
        )
        status = f("status")
        if status == OPEN:
            cases = cases.filter(status__in=OPEN_STATUSES)
        elif status:
            cases = cases.filter(status=status)
        if f("desa"):
            cases = cases.filter(region_id=f("desa"))
        elif f("kecamatan"):
            cases = cases.filter(region__code__startswith=f"{f('kecamatan')}.")
        if f("kategori"):
            cases = cases.filter(category_id=int(f("kategori")))
        if f("instansi") == "tanpa":
            cases = cases.filter(office__isnull=True)
        elif f("instansi"):
            cases = cases.filter(office_id=int(f("instansi")))
        if f("saluran"):
            cases = cases.filter(channel=f("saluran"))
        if f("jenis"):
            cases = cases.filter(report_type=f("jenis"))
        if f("visibilitas"):
            cases = cases.filter(visibility=f("visibilitas"))
        if f("foto"):
            photos = Exists(
                AspirationPhoto.objects.filter(aspiration=OuterRef("pk"), event__isnull=True)
            )
            cases = cases.filter(photos if f("foto") == "ada" else ~photos)
        today = timezone.localdate()
        deadline = f("tenggat")
        if deadline == "terlambat":
            cases = cases.filter(due_on__lt=today)
        elif deadline == "hari-ini":
            cases = cases.filter(due_on=today)
        elif deadline == "minggu-ini":
            sunday = today + datetime.timedelta(days=6 - today.weekday())
            cases = cases.filter(due_on__gte=today, due_on__lte=sunday)
        if f("dikembalikan"):  # sent back by an office, waiting for Diskominfo again
            cases = cases.filter(sent_back(), status=Status.VERIFIED, office__isnull=True)
        officer = f("petugas")
        if officer == "saya":
            cases = cases.filter(assignee_id=self.user.pk)
        elif officer == "belum":
            cases = cases.filter(assignee__isnull=True)
        elif officer:
            cases = cases.filter(assignee_id=int(officer))
        if self.text:
            for word in self.text.split()[:8]:
                condition = Q(description__icontains=word) | Q(location__icontains=word)
                code = normalize_code(word)
                if len(code) >= 4:
                    condition |= Q(code__contains=code)
                cases = cases.filter(condition)
        return cases.order_by(*order_by(self.sort))

    def filter_fields(self) -> str:
        """The filter form's fields drawn (core/_form.html), kept with the choices they
        offer (filter_html): a GET form, nothing in it is the user's own."""
        form = self.form
        key = (
            _scope_key(self.scope),
            get_language(),
            tuple((name, tuple(form.data.getlist(name))) for name in form.fields),
        )
        return filter_html.get(key, lambda: render_to_string("core/_form.html", {"form": form}))

    def search_fields(self) -> str:
        """The search box drawn (core/_form.html), kept as the filters are: the same HTML
        for everyone who typed the same text, in a language."""
        search = self.search
        key = ("search", get_language(), tuple(search.data.getlist("cari")))
        return filter_html.get(key, lambda: render_to_string("core/_form.html", {"form": search}))

    def query(self, *, page: int | None = None) -> str:
        """The list's query string: the filters in use (and the page), nothing else."""
        values = [("cari", self.text)] if self.text else []
        values += [
            (name, self.form.cleaned_data[name])
            for name in self.form.fields
            if self.form.cleaned_data.get(name)
        ]
        if page and page > 1:
            values.append(("halaman", str(page)))
        return urlencode(values)


def order_by(sort: str) -> list:
    return [F(name).asc() if ascending else F(name).desc() for name, ascending in SORTS[sort]]


def clean_list_query(raw: str | None) -> str:
    """A list's query string carried through a case (``?daftar=``): only the list's own
    parameters survive, so a link back can only ever lead to the list."""
    text = (raw or "")[:MAX_LIST_QUERY]
    pairs = [
        (k, v[:MAX_QUERY])
        for k, v in parse_qsl(text, keep_blank_values=False)
        if k in LIST_KEYS and "\x00" not in v
    ]
    return urlencode(pairs)


def list_url(daftar: str) -> str:
    base = reverse("aspirations:manage_queue")
    return f"{base}?{daftar}" if daftar else base


def case_link(code: str, *, daftar: str | None = None, next_code: str = "") -> str:
    """A case's page; opened from a list (``daftar``, even the unfiltered list's empty
    query), it carries the list along."""
    url = reverse("aspirations:manage_detail", kwargs={"code": code})
    params = [] if daftar is None else [("daftar", daftar)]
    if next_code:
        params.append(("berikutnya", next_code))
    return f"{url}?{urlencode(params)}" if params else url


def next_case(user: AnyUser, daftar: str, case: Aspiration) -> Aspiration | None:
    """The case after ``case`` in the list ``daftar`` describes (filters and sort); when
    ``case`` is no longer in that list (its status changed), the list's first case."""
    desk = DeskList(user, QueryDict(daftar))
    cases = desk.cases().exclude(pk=case.pk)
    keys = SORTS[desk.sort]
    here = desk.cases().filter(pk=case.pk).values(*[name for name, _asc in keys]).first()
    if here is not None:
        condition = Q(pk__in=[])
        equal = Q()
        for name, ascending in keys:
            condition |= equal & Q(**{f"{name}__{'gt' if ascending else 'lt'}": here[name]})
            equal &= Q(**{name: here[name]})
        cases = cases.filter(condition)
    following = cases.values_list("pk", flat=True).first()
    return Aspiration.objects.get(pk=following) if following else None

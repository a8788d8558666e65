"""The desk list drawn for speed says what the templates used to draw: each case's row
(desk_rows, in Python), the filters' selects (QuickSelect), the filter form kept per
scope and cleared by a change, and the words and dates as the template filters give them."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client
from django.test.html import parse_html
from django.utils import timezone, translation

from jembatan.accounts.models import Role
from jembatan.aspirations import desk as desk_services
from jembatan.aspirations import services
from jembatan.aspirations.desk_list import QuickSelect, case_link
from jembatan.aspirations.desk_rows import _Drawing, first_words
from jembatan.aspirations.forms import STAFF_VISIBILITY
from jembatan.aspirations.models import Aspiration, Category, Status
from jembatan.testing.factories import MembershipFactory, OfficeFactory, UserFactory, region_chain

QUEUE = "/kelola/aspirasi/"

# The rows as queue.html drew them before desk_rows (with the labels the view added).
FORMER_ROWS = """{% load i18n %}{% for case in cases %}
<li>
  {% if bulk_actions %}<input type="checkbox" name="kasus" value="{{ case.code }}.{{ case.version }}" id="k-{{ case.code }}"{% if select_all %} checked{% endif %}>{% endif %}
  <div>
    <p>{% if bulk_actions %}<label for="k-{{ case.code }}" class="visually-hidden">{% blocktranslate with code=case.display %}Centang {{ code }}{% endblocktranslate %}</label>{% endif %}<a href="{{ case.link }}"><strong>{{ case.display }}</strong> · {{ case.category.name }} · {{ case.region.name }}{% if case.region.parent %}, {{ case.region.parent.name }}{% endif %}</a> {% include "aspirations/_status.html" %}</p>
    <p>{{ case.description|truncatewords:25 }}</p>
    <p class="muted small">{{ case.created_at|date:"j M Y H:i" }} · {{ case.report_type_label }} · {{ case.channel_label }} · {{ case.staff_visibility }}{% if case.due %} · {% if case.is_overdue %}<strong>{% blocktranslate with date=case.due|date:"j M Y" %}lewat batas {{ date }}{% endblocktranslate %}</strong>{% else %}{% blocktranslate with date=case.due|date:"j M Y" %}batas {{ date }}{% endblocktranslate %}{% endif %}{% endif %}{% if case.office %} · {{ case.office }}{% endif %}{% if case.assignee %} · {% blocktranslate with name=case.assignee %}Ditangani oleh {{ name }}{% endblocktranslate %}{% endif %}</p>
  </div>
</li>
{% endfor %}"""  # noqa: E501


@pytest.fixture
def desk(db):
    kabupaten = region_chain("61.07", "Kabupaten Bengkayang")
    region_chain("61.07.04", "Sungai Betung")
    desa = region_chain("61.07.04.2001", "Sungai Jaga A")
    pupr = OfficeFactory(kabupaten=kabupaten, name="Dinas PUPR", short_name="PUPR")
    roads = Category.objects.create(kabupaten=kabupaten, name="Jalan & <jembatan>", office=pupr)
    admin = UserFactory(full_name="Admin Bengkayang")
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=kabupaten)
    officer = UserFactory(full_name="Budi <PUPR>")
    MembershipFactory(user=officer, role=Role.OPD_OFFICER, office=pupr)
    client = Client()
    client.force_login(admin)

    def case(description, **changes):
        made, _ = services.aspiration_submit(
            data={
                "region": desa,
                "category": roads,
                "description": description,
                "visibility": changes.pop("visibility", "anonim"),
                "reporter_phone": "081234567890",
            }
        )
        if changes:
            Aspiration.objects.filter(pk=made.pk).update(**changes)
        return made

    return {
        "client": client,
        "admin": admin,
        "officer": officer,
        "pupr": pupr,
        "kabupaten": kabupaten,
        "case": case,
    }


def _list_items(html: str) -> str:
    return re.search(r'<ul class="list desk-list">(.*?)</ul>', html, re.S).group(1)


def _former_rows(cases, *, daftar: str, bulk: bool, select_all: bool) -> str:
    statuses = dict(Status.choices)
    for case in cases:
        case.get_status_display = str(statuses[case.status])
        case.channel_label = str(Aspiration.Channel(case.channel).label)
        case.report_type_label = str(Aspiration.ReportType(case.report_type).label)
        case.staff_visibility = STAFF_VISIBILITY[case.visibility]
        case.link = case_link(case.code, daftar=daftar)
        case.version = services.case_version(case)
        case.display = services.display_code(case.code)
    context = {"cases": cases, "bulk_actions": bulk, "select_all": select_all}
    return Template(FORMER_ROWS).render(Context(context))


def test_each_row_says_what_the_template_said(desk):
    today = timezone.localdate()
    long_text = " ".join(f"kata{n}" for n in range(40)) + " <b>tebal</b> & selesai"
    late = desk["case"]("Jalan berlubang <script>alert(1)</script> & licin.")
    Aspiration.objects.filter(pk=late.pk).update(verify_due=today - datetime.timedelta(days=2))
    worked = desk["case"](long_text, visibility="rahasia")
    services.aspiration_transition(actor=desk["admin"], case=worked, action="verify")
    services.aspiration_transition(
        actor=desk["admin"], case=worked, action="dispose", office=desk["pupr"]
    )
    worked.refresh_from_db()
    desk_services.aspiration_assign(actor=desk["admin"], case=worked, officer=desk["officer"])
    Aspiration.objects.filter(pk=worked.pk).update(answer_due=today + datetime.timedelta(days=3))
    desk["case"]("Lampu jalan mati.", status=Status.DONE, channel="sms")
    desk["case"](
        "Menunggu anggaran.",
        status=Status.ON_HOLD,
        held_status=Status.VERIFIED,
        hold_reason="Menunggu anggaran tahun depan.",
        report_type="pengaduan",
    )

    for params, select_all in (({}, False), ({"pilih": "semua", "urut": "terbaru"}, True)):
        response = desk["client"].get(QUEUE, params)
        assert response.status_code == 200
        drawn = _list_items(response.content.decode())
        codes = [row.code for row in response.context["page"].object_list]
        order = {code: n for n, code in enumerate(codes)}
        cases = sorted(
            Aspiration.objects.filter(code__in=codes).select_related(
                "category", "region__parent", "office", "assignee"
            ),
            key=lambda c: order[c.code],
        )
        former = _former_rows(
            cases, daftar=response.context["daftar"], bulk=True, select_all=select_all
        )
        assert len(cases) == 4
        assert parse_html(drawn) == parse_html(former)
    assert "&lt;script&gt;" in drawn and "<script>alert" not in drawn
    assert "Ditangani oleh Budi &lt;PUPR&gt;" in drawn


def test_rows_without_bulk_actions_have_no_boxes(desk):
    case = desk["case"]("Jalan berlubang.")
    desk["case"]("Rahasia warga.", visibility="rahasia")  # not the camat's to see
    camat = UserFactory(full_name="Camat Sungai Betung")
    MembershipFactory(user=camat, role=Role.CAMAT, region=region_chain("61.07.04"))
    client = Client()
    client.force_login(camat)
    response = client.get(QUEUE)
    assert response.context["bulk_actions"] == []
    assert [row.code for row in response.context["page"].object_list] == [case.code]
    drawn = _list_items(response.content.decode())
    assert 'type="checkbox"' not in drawn
    case.refresh_from_db()
    former = _former_rows([case], daftar=response.context["daftar"], bulk=False, select_all=False)
    assert parse_html(drawn) == parse_html(former)


def test_a_new_category_office_or_officer_is_offered_at_once(desk):
    desk["case"]("Jalan berlubang.")
    client = desk["client"]
    html = client.get(QUEUE).content.decode()
    assert "Air bersih" not in html and "Dinas Kesehatan" not in html and "Sari Baru" not in html
    Category.objects.create(kabupaten=desk["kabupaten"], name="Air bersih")
    health = OfficeFactory(kabupaten=desk["kabupaten"], name="Dinas Kesehatan")
    html = client.get(QUEUE).content.decode()
    assert "Air bersih" in html and "Dinas Kesehatan" in html
    newcomer = UserFactory(full_name="Sari Baru")
    MembershipFactory(user=newcomer, role=Role.OPD_OFFICER, office=health)
    assert "Sari Baru" in client.get(QUEUE).content.decode()
    health.name = "Dinas Kesehatan dan KB"
    health.save()
    assert "Dinas Kesehatan dan KB" in client.get(QUEUE).content.decode()
    newcomer.is_active = False
    newcomer.save()
    assert "Sari Baru" not in client.get(QUEUE).content.decode()


def test_the_filter_form_is_kept_per_scope_with_the_values_chosen(desk):
    desk["case"]("Jalan berlubang.")
    client = desk["client"]
    plain = client.get(QUEUE).content.decode()
    chosen = client.get(QUEUE, {"status": "selesai", "kecamatan": "61.07.04"}).content.decode()
    assert '<option value="selesai" selected>' in chosen
    assert '<option value="61.07.04" selected>' in chosen
    assert '<option value="61.07.04.2001">Sungai Jaga A</option>' in chosen
    assert '<option value="selesai" selected>' not in plain
    assert '<option value="selesai" selected>' not in client.get(QUEUE).content.decode()
    refused = client.get(QUEUE, {"status": "bukan"}).content.decode()
    assert "Pilihan yang tidak tersedia untuk Anda diabaikan." in refused
    assert (
        "Pilihan yang tidak tersedia untuk Anda diabaikan."
        not in client.get(QUEUE).content.decode()
    )


class _Choices(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "Semua"), ("a&b", "A & <B>"), ("1", "Satu")], required=False
    )
    quick = forms.ChoiceField(
        choices=[("", "Semua"), ("a&b", "A & <B>"), ("1", "Satu")],
        required=False,
        widget=QuickSelect,
    )


@pytest.mark.parametrize("value", [None, "", "1", "a&b", "nothing"])
def test_quick_select_draws_what_django_draws(value):
    form = _Choices(data={"plain": value, "quick": value} if value is not None else None)
    plain, quick = str(form["plain"]), str(form["quick"])
    assert parse_html(quick.replace("quick", "plain")) == parse_html(plain)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "satu",
        "  banyak   spasi\n dan baris  ",
        " ".join(f"w{n}" for n in range(25)),
        " ".join(f"w{n}" for n in range(26)),
        " ".join(f"w{n}" for n in range(24)) + " … lagi",
    ],
)
def test_first_words_is_truncatewords(text):
    expected = Template("{{ t|truncatewords:25 }}").render(Context({"t": text}, autoescape=False))
    assert first_words(text, 25) == expected


@pytest.mark.parametrize("language", ["id", "en"])
def test_dates_read_as_the_date_filter(language):
    with translation.override(language):
        drawing = _Drawing("", tickable=False, ticked=False)
        for month in range(1, 13):
            day = datetime.date(2026, month, 7)
            expected = Template('{{ d|date:"j M Y" }}').render(Context({"d": day}))
            assert drawing.day(day) == expected

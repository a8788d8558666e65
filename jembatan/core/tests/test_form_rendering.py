"""The shared form template and the <time datetime> filter speak to assistive technology."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django import forms
from django.template.loader import render_to_string

from jembatan.aspirations.forms import FollowUpForm, RespondForm
from jembatan.core.templatetags.timetags import datetime_attr


class _Form(forms.Form):
    colour = forms.ChoiceField(
        label="Warna",
        choices=[("a", "A"), ("b", "B")],
        widget=forms.RadioSelect,
        help_text="Pilih satu.",
    )
    name = forms.CharField(label="Nama", help_text="Nama lengkap.")


def _render(form) -> str:
    return render_to_string("core/_form.html", {"form": form})


def test_choice_groups_are_fieldsets_with_a_legend():
    html = _render(_Form())
    assert 'for=""' not in html
    group = re.search(r"<fieldset[^>]*>.*?</fieldset>", html, re.S).group(0)
    assert '<legend>Warna <span aria-hidden="true">*</span></legend>' in group
    assert 'aria-describedby="id_colour_helptext"' in group
    assert 'id="id_colour_helptext"' in group


def test_every_described_by_id_exists():
    html = _render(_Form(data={"colour": "x"}))
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    described = {i for v in re.findall(r'aria-describedby="([^"]+)"', html) for i in v.split()}
    assert described and described <= ids, described - ids
    assert "id_colour_error" in ids and "id_name_error" in ids


def test_the_finished_case_forms_share_no_id():
    html = _render(FollowUpForm()) + _render(RespondForm())
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # The view reads the same field names as before.
    assert RespondForm(data={"accept": "1", "body": "x"}).is_valid()


def test_time_datetime_has_no_microseconds():
    jakarta = zoneinfo.ZoneInfo("Asia/Jakarta")
    value = datetime.datetime(2026, 12, 6, 20, 9, 49, 123456, tzinfo=datetime.UTC)
    assert datetime_attr(value) == "2026-12-07T03:09:49+07:00"
    assert datetime_attr(value.astimezone(jakarta)) == "2026-12-07T03:09:49+07:00"
    assert datetime_attr(datetime.date(2026, 12, 7)) == "2026-12-07"
    assert datetime_attr(None) == ""


def test_a_slug_is_labelled_as_a_web_address():
    from jembatan.sites.content import KINDS
    from jembatan.sites.forms import PostForm

    assert PostForm.base_fields["slug"].label == "Alamat web"
    for kind in KINDS.values():
        assert kind.form_class().base_fields["slug"].label == "Alamat web", kind.segment


def test_no_template_writes_time_datetime_with_microseconds():
    """`|date:'c'` prints six-digit fractions, which <time datetime> refuses: every template
    uses `|datetime_attr` (a page rendered by only one test found the last one)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"<time[^>]*datetime=\"\{\{[^}]*\|date:['\"]c['\"]", line)
    ]
    assert offenders == []


def test_every_scrolling_table_can_be_reached_by_keyboard():
    """A table box that scrolls sideways is focusable and named (axe: scrollable-region-
    focusable), wherever it is written."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        for tag in re.findall(r'<div class="table-wrap"[^>]*>', path.read_text(encoding="utf-8"))
        if 'tabindex="0"' not in tag or 'role="region"' not in tag
    ]
    assert offenders == []

"""English where English is chosen: numbers use the reader's marks, and a lesson that is
done reads "done" (the same Indonesian word also labels an end time, "ends")."""

from __future__ import annotations

import pytest
from django.utils import translation

from jembatan.dashboard.report import _number
from jembatan.disclosure.report import BodyRow, row_values


@pytest.mark.parametrize(
    ("language", "decimal", "whole"), [("id", "1.234,5", "12.345"), ("en", "1,234.5", "12,345")]
)
def test_report_numbers_follow_the_chosen_language(language, decimal, whole):
    with translation.override(language):
        assert _number(1234.5) == decimal
        assert _number(12345) == whole


def test_ppid_report_average_follows_the_chosen_language(db):
    from jembatan.testing.factories import PublicBodyFactory

    row = BodyRow(body=PublicBodyFactory(), days=[2, 3])  # 2.5 working days on average
    with translation.override("en"):
        assert "2.5" in row_values(row)
    with translation.override("id"):
        assert "2,5" in row_values(row)


def test_done_and_ends_are_two_words_in_english():
    with translation.override("en"):
        assert translation.pgettext("sudah dikerjakan", "selesai") == "done"
        assert translation.gettext("selesai") == "ends"

"""The one moderation system's table and pure parts (core.moderation)."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from jembatan.core import moderation
from jembatan.core.moderation import MACHINE, Visibility


def test_the_table_uses_exactly_the_vocabulary():
    assert MACHINE.states() == set(Visibility.values)
    assert MACHINE["hide"].target == Visibility.HIDDEN
    assert MACHINE.available(Visibility.HELD) == ["hide", "restore"]
    assert MACHINE.available(Visibility.HIDDEN) == ["restore"]
    with pytest.raises(ValidationError, match="tidak berlaku"):
        MACHINE.require_state("keep", Visibility.HIDDEN)


def test_keep_is_offered_only_for_a_reported_text():
    quiet = SimpleNamespace(visibility=Visibility.PUBLISHED, report_count=0)
    reported = SimpleNamespace(visibility=Visibility.PUBLISHED, report_count=2)
    assert [a for a, _label in moderation.actions_for(quiet)] == ["hide"]
    assert [a for a, _label in moderation.actions_for(reported)] == ["hide", "keep"]


@pytest.mark.parametrize(
    ("words", "text", "found"),
    [
        (["bodoh"], "Rancangan ini BODOH sekali.", "bodoh"),
        (["bodoh"], "Kebodohan bukan kata yang disaring.", None),  # whole words only
        (["anak haram"], "dasar anak-haram!", "anak haram"),  # punctuation is a space
        ([], "apa saja", None),
    ],
)
def test_word_matching(words, text, found):
    assert moderation.matching_word(words, text) == found


def test_clean_text_keeps_the_text_and_refuses_empty_short_and_long():
    assert moderation.clean_text("  Halo\r\nsemua  ", max_length=20) == "Halo\nsemua"
    with pytest.raises(ValidationError, match="tidak boleh kosong"):
        moderation.clean_text(" \n ", max_length=20)
    with pytest.raises(ValidationError, match="terlalu pendek"):
        moderation.clean_text("ya", min_length=3, max_length=20)
    with pytest.raises(ValidationError, match=r"Paling panjang 3\.000 huruf") as error:
        moderation.clean_text("x" * 3001, max_length=3000)
    assert list(error.value.message_dict) == ["body"]


def test_queue_filter_falls_back_to_what_needs_a_decision():
    assert moderation.queue_filter("tersembunyi")[0] == "tersembunyi"
    assert moderation.queue_filter("apa saja")[0] == "perlu"
    assert moderation.queue_filter(None)[1] == moderation.NEEDS_DECISION

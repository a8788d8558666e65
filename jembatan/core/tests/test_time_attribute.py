"""No template writes `<time datetime>` with Django's `date:'c'`, which keeps the
microseconds HTML does not allow: the shared `datetime_attr` filter does it right."""

from __future__ import annotations

import re
from pathlib import Path

import jembatan

ROOT = Path(jembatan.__file__).parent


def test_time_datetime_attributes_use_the_shared_filter():
    wrong = []
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for value in re.findall(r'datetime="\{\{([^}]*)\}\}"', text):
            if "datetime_attr" not in value:
                wrong.append(f"{path.relative_to(ROOT)}: {value.strip()}")
    assert wrong == []

"""Private pages keep their links out of referrers without breaking their own forms.

``no-referrer`` (in a meta tag, a ``referrerpolicy`` attribute or ``rel="noreferrer"`` on a
form) makes browsers send ``Origin: null`` with a POST, which Django's CSRF check refuses.
"""

import re
from pathlib import Path

import pytest

import jembatan
from jembatan.disclosure import services
from jembatan.disclosure.tests.conftest import request_data

NO_REFERRER = re.compile(
    r"""<meta[^>]*name=["']referrer["'][^>]*content=["']no-referrer["']"""
    r"""|referrerpolicy=["']no-referrer["']"""
    r"""|<form[^>]*rel=["'][^"']*noreferrer""",
    re.IGNORECASE,
)


def test_no_template_sends_origin_null_with_its_forms():
    root = Path(jembatan.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if NO_REFERRER.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_request_page_keeps_its_address_on_this_site(client, ppid):
    request = services.information_request_submit(data=request_data(ppid.desa))

    html = client.get(request.get_absolute_url()).content.decode()

    assert '<meta name="referrer" content="same-origin">' in html

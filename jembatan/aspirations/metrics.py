"""The aspirations' gauge for Prometheus (jembatan.core.metrics), read at each scrape:
cases past their verification or answer deadline, per tenant (the kabupaten/kota code).

One grouped count. "Today" is the install's date (TIME_ZONE); escalate_overdue, which
acts on cases, uses each kabupaten's own zone, so for an hour or two after midnight the
two may differ by the cases due that day in another zone.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q
from django.utils import timezone

from jembatan.aspirations.models import ANSWER_STAGE, VERIFY_STAGE, Aspiration
from jembatan.core.metrics import register_scrape_gauge


def overdue_per_tenant() -> Iterator[tuple[tuple[str], float]]:
    today = timezone.localdate()
    rows = (
        Aspiration.objects.filter(
            Q(status__in=VERIFY_STAGE, verify_due__lt=today)
            | Q(status__in=ANSWER_STAGE, answer_due__lt=today)
        )
        .values("kabupaten_id")
        .annotate(count=Count("pk"))
        .order_by("kabupaten_id")
    )
    for row in rows:
        yield (str(row["kabupaten_id"]),), float(row["count"])


register_scrape_gauge(
    "jembatan_aspirations_overdue",
    "Aspirations past their verification or answer deadline, per tenant (kabupaten code).",
    ("tenant",),
    overdue_per_tenant,
)

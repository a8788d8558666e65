"""A kabupaten's PPID rules: its deadlines and its Komisi Informasi (reads only).

Every deadline is the law's value unless the kabupaten's Diskominfo changed it in
/kelola/ppid/pengaturan/ (``PpidSettings``); the services and pages read them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from jembatan.disclosure.models import InformationCommission, PpidSettings
from jembatan.regions.models import Region


def settings_for(kabupaten_code: str) -> PpidSettings:
    """The kabupaten's settings, or an unsaved row with the law's defaults."""
    found = PpidSettings.objects.filter(kabupaten_id=kabupaten_code).first()
    return found if found is not None else PpidSettings(kabupaten_id=kabupaten_code)


@dataclass(frozen=True)
class Commission:
    """The Komisi Informasi a requester of the kabupaten files a dispute with."""

    name: str
    address: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""


def commission_for(kabupaten_code: str, rules: PpidSettings | None = None) -> Commission:
    """The kabupaten's own entry, else the province's InformationCommission row, else
    "Komisi Informasi Provinsi <province>" (UU 14/2008 Pasal 24: one per province)."""
    rules = rules or settings_for(kabupaten_code)
    row = InformationCommission.objects.filter(province_code=kabupaten_code[:2]).first()
    if rules.commission_name:
        return Commission(
            name=rules.commission_name,
            address=rules.commission_address,
            website=rules.commission_website,
        )
    if row is not None:
        return Commission(
            name=row.name,
            address=row.address,
            website=row.website,
            email=row.email,
            phone=row.phone,
        )
    province = Region.objects.filter(code=kabupaten_code[:2]).values_list("name", flat=True)
    return Commission(
        name=_("Komisi Informasi Provinsi %(province)s")
        % {"province": province.first() or kabupaten_code[:2]},
        address=rules.commission_address,
        website=rules.commission_website,
    )


def report_window(rules: PpidSettings, year: int) -> tuple[date, date] | None:
    """(reminder starts, report due) for the report on ``year`` (due the year after), or
    None when the configured dates do not exist (31 February)."""
    try:
        return (
            date(year + 1, rules.report_reminder_month, rules.report_reminder_day),
            date(year + 1, rules.report_due_month, rules.report_due_day),
        )
    except ValueError:
        return None

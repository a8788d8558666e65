"""A case in the shape of an SP4N-LAPOR! report (docs/lapor.md), to forward it there by
hand or by a later integration: title, text, classification, category, place,
confidentiality, status in LAPOR!'s words, history."""

from __future__ import annotations

from typing import Any

from jembatan.aspirations.models import Aspiration, Status, display_code

# Jembatan's statuses in SP4N-LAPOR!'s vocabulary. A closed case says why: "bukan
# wewenang" (referred elsewhere) is a status of its own there; a duplicate or spam is
# archived.
LAPOR_STATUS: dict[str, str] = {
    Status.RECEIVED: "Belum Diverifikasi",
    Status.VERIFIED: "Terverifikasi",
    Status.DISPOSED: "Didisposisikan",
    Status.IN_PROGRESS: "Ditindaklanjuti",
    Status.ON_HOLD: "Tunda",
    Status.DONE: "Selesai",
}
LAPOR_CLOSED: dict[str, str] = {
    Aspiration.CloseReason.OUT_OF_SCOPE: "Bukan Wewenang",
    Aspiration.CloseReason.DUPLICATE: "Diarsipkan",
    Aspiration.CloseReason.SPAM: "Diarsipkan",
}
LAPOR_REPORT_TYPE: dict[str, str] = {
    Aspiration.ReportType.ASPIRATION: "Aspirasi",
    Aspiration.ReportType.COMPLAINT: "Pengaduan",
    Aspiration.ReportType.INFORMATION: "Permintaan Informasi",
}


def lapor_status(case: Aspiration) -> str:
    if case.status == Status.CLOSED:
        return LAPOR_CLOSED.get(case.close_reason, "Diarsipkan")
    return LAPOR_STATUS[case.status]


def lapor_export(case: Aspiration, *, with_reporter: bool) -> dict[str, Any]:
    region = case.region
    kecamatan = region.parent
    anonymous = case.visibility != Aspiration.Visibility.PUBLIC
    data: dict[str, Any] = {
        "sumber": "Jembatan",
        "kode_lacak": display_code(case.code),
        "judul": f"{case.category.name}: {region.name}"[:150],
        "isi": case.description,
        "klasifikasi": LAPOR_REPORT_TYPE[case.report_type],
        "kategori": case.category.name,
        "lokasi": {
            "desa_kelurahan": region.name,
            "kode_wilayah": region.code,
            "kecamatan": kecamatan.name if kecamatan else "",
            "kabupaten_kota": case.kabupaten.name,
            "keterangan": case.location,
        },
        "tanggal": case.created_at.isoformat(),
        "rahasia": case.visibility == Aspiration.Visibility.CONFIDENTIAL,
        "anonim": anonymous,
        "status": lapor_status(case),
        # Jembatan's own value, for a reader who needs the finer distinction.
        "status_jembatan": case.status,
        "instansi_tujuan": case.office.name if case.office else "",
        "dirujuk_ke": case.referred_to,
        "alasan_tunda": case.hold_reason,
        "batas_waktu": {
            "verifikasi_penerusan": _iso(case.verify_due),
            # Kept once the response is given, so that anyone sees whether it was on time.
            "respons_pertama": _iso(case.response_due),
            "penyelesaian": _iso(case.complete_due),
        },
        "respons_pertama": case.first_response_at.isoformat() if case.first_response_at else None,
        # The same moment, under the name the deadline above is read against.
        "respons_pertama_pada": (
            case.first_response_at.isoformat() if case.first_response_at else None
        ),
        "riwayat": [
            {
                "waktu": e.created_at.isoformat(),
                "jenis": e.kind,
                "status": e.to_status,
                "status_lapor": _event_status(case, e.to_status),
                "isi": e.body,
            }
            for e in case.events.filter(is_public=True)
        ],
    }
    if with_reporter:
        data["pelapor"] = {
            "nama": case.reporter_name,
            "telepon": case.reporter_phone,
            "email": case.reporter_email,
        }
    return data


def _event_status(case: Aspiration, status: str) -> str:
    if not status:
        return ""
    if status == Status.CLOSED:
        return LAPOR_CLOSED.get(case.close_reason, "Diarsipkan")
    return LAPOR_STATUS.get(status, "")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def referral_note(case: Aspiration) -> str:
    """What lists and APIs say of a "bukan wewenang" case ("Bukan wewenang: dirujuk ke
    …"), so that a citizen following it from another app learns where to go; empty for
    any other case."""
    return case.citizen_status if case.is_not_authority else ""

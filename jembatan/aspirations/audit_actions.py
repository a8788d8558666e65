"""The audit actions of aspirations and their meaning for a reader."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jembatan.accounts.audit_registry import register_actions


@register_actions
class AuditAction(models.TextChoices):
    SUBMIT = "aspiration.submit", _("Aspirasi dikirim")
    # aspiration_transition: "aspiration.<action>" for each action of its table.
    VERIFY = "aspiration.verify", _("Aspirasi diverifikasi")
    CLOSE = "aspiration.close", _("Aspirasi ditutup")
    DISPOSE = "aspiration.dispose", _("Aspirasi didisposisikan")
    START = "aspiration.start", _("Tindak lanjut dimulai")
    FINISH = "aspiration.finish", _("Aspirasi diselesaikan")
    RETURN = "aspiration.return", _("Aspirasi dikembalikan ke Diskominfo")
    REFER = "aspiration.refer", _("Aspirasi dirujuk: bukan wewenang")
    HOLD = "aspiration.hold", _("Aspirasi ditunda")
    RESUME = "aspiration.resume", _("Aspirasi dilanjutkan")
    TAKE = "aspiration.take", _("Aspirasi diambil petugas")
    ASSIGN = "aspiration.assign", _("Petugas ditunjuk")
    EXTEND = "aspiration.extend", _("Tenggat diperpanjang")
    NUDGE = "aspiration.nudge", _("Camat mendorong tindak lanjut")
    FLAG = "aspiration.flag", _("KIM menandai aspirasi")
    FLAG_CONFIRM = "aspiration.flag_confirm", _("Tanda KIM dibenarkan")
    FLAG_DISMISS = "aspiration.flag_dismiss", _("Tanda KIM ditolak")
    # aspiration_comment: "aspiration.<CaseEvent.Kind>" (a public answer or an internal note).
    ANSWER = "aspiration.jawaban", _("Jawaban ditulis")
    NOTE = "aspiration.catatan", _("Catatan internal ditulis")
    FOLLOW_UP = "aspiration.follow_up", _("Warga menambahkan keterangan")
    CONFIRM = "aspiration.confirm", _("Warga menerima jawaban")
    DISPUTE = "aspiration.dispute", _("Warga menolak jawaban")
    CONTACT_ERASE = "aspiration.contact_erase", _("Kontak pelapor dihapus")
    # aspirations.personal_data: the reporter corrects their own contact (UU 27/2022).
    CONTACT_CORRECT = "aspiration.contact_correct", _("Pelapor memperbaiki kontaknya")
    EXPORT = "aspiration.export", _("Aspirasi diekspor")
    MERGE = "aspiration.merge", _("Aspirasi digabungkan")
    MERGE_INTO = "aspiration.merge_into", _("Aspirasi lain digabungkan ke sini")
    UNMERGE = "aspiration.unmerge", _("Penggabungan dibatalkan")
    UNMERGE_FROM = "aspiration.unmerge_from", _("Aspirasi lain dipisahkan dari sini")
    REPORTER_KEY = "aspiration.reporter_key", _("Kunci pelapor dibuat")
    CATEGORY_CREATE = "aspiration_category.create", _("Kategori aspirasi dibuat")
    CATEGORY_UPDATE = "aspiration_category.update", _("Kategori aspirasi diubah")

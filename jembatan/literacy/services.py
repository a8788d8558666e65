"""Every write of the literacy app: trainings, registration and check-in, learning
progress, quizzes, certificates and score weights. Each runs in one transaction and
writes its audit row there."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jembatan.accounts.access import administers_kabupaten
from jembatan.accounts.audit import audit_record, audited_update, snapshot
from jembatan.accounts.models import User
from jembatan.accounts.notifications import notify
from jembatan.communities.models import Kim
from jembatan.core.images import removed_on_failure
from jembatan.core.richtext import sanitize_html
from jembatan.core.transitions import Machine, Transition
from jembatan.core.workdays import format_local
from jembatan.literacy import access
from jembatan.literacy.audit_actions import AuditAction
from jembatan.literacy.files import LessonFile, storage_name
from jembatan.literacy.models import (
    CERTIFICATE_CODE_LENGTH,
    CHECKIN_CODE_LENGTH,
    Certificate,
    Choice,
    Lesson,
    LessonProgress,
    Module,
    Question,
    QuizAttempt,
    Registration,
    ScoreWeights,
    Training,
    normalise_code,
    random_code,
)
from jembatan.literacy.signals import score_weights_changed
from jembatan.regions.models import Region

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _LessonCount(TypedDict):
    n: int


TRAINING_FIELDS = [
    "kabupaten",
    "kecamatan",
    "title",
    "description",
    "level",
    "mode",
    "place",
    "online_url",
    "starts_at",
    "ends_at",
    "registration_deadline",
    "quota",
    "target_all",
    "status",
]

# Check-in opens a little before the start (people arrive early); never days before.
CHECKIN_OPENS_BEFORE = datetime.timedelta(hours=3)

S = Training.Status
# Who may take a step is the page's business (access.get_managed_training_for_user).
TRAINING_MACHINE = Machine(
    noun=gettext_lazy("pelatihan"),
    transitions={
        "open": Transition({S.DRAFT}, S.OPEN, gettext_lazy("Buka pendaftaran")),
        "close": Transition({S.OPEN}, S.CLOSED, gettext_lazy("Tandai selesai")),
        "cancel": Transition({S.DRAFT, S.OPEN}, S.CANCELLED, gettext_lazy("Batalkan pelatihan")),
    },
)


# --- trainings ---------------------------------------------------------------------------


def _check_area(actor: User, kabupaten: Region, kecamatan: Region | None) -> None:
    areas = access.get_training_areas_for_user(actor)
    codes = {r.code for r in areas}
    if kabupaten.code in codes:
        if kecamatan is not None and kecamatan.parent_id != kabupaten.code:
            raise ValidationError({"kecamatan": _("Kecamatan itu tidak di kabupaten ini.")})
        return
    if kecamatan is not None and kecamatan.code in codes and kecamatan.parent_id == kabupaten.code:
        return
    raise ValidationError(_("Anda tidak dapat menyelenggarakan pelatihan di wilayah itu."))


def training_save(
    *,
    actor: User,
    data: dict[str, Any],
    kims: list[Kim] | None = None,
    training: Training | None = None,
) -> Training:
    """Create or change a training. A camat's trainings are always for their kecamatan."""
    kabupaten: Region = data["kabupaten"]
    kecamatan: Region | None = data.get("kecamatan")
    _check_area(actor, kabupaten, kecamatan)
    if data["ends_at"] < data["starts_at"]:
        raise ValidationError({"ends_at": _("Waktu selesai harus sesudah waktu mulai.")})
    deadline = data.get("registration_deadline")
    if deadline and deadline > data["starts_at"]:
        raise ValidationError(
            {"registration_deadline": _("Batas pendaftaran paling lambat saat pelatihan mulai.")}
        )
    if data.get("mode") == Training.Mode.ONLINE and not data.get("online_url"):
        raise ValidationError({"online_url": _("Pelatihan daring memerlukan tautan.")})
    if data.get("mode") == Training.Mode.IN_PERSON and not data.get("place"):
        raise ValidationError({"place": _("Isi tempat pelatihan tatap muka.")})
    kims = list(kims or [])
    if data.get("target_all") and kims:
        # Both ticked used to drop the chosen KIMs without a word.
        raise ValidationError(
            {
                "target_all": _(
                    "Anda memilih KIM tertentu dan juga “semua KIM di wilayahnya”. "
                    "Pilih salah satu."
                )
            }
        )
    if not data.get("target_all"):
        if not kims:
            raise ValidationError({"target_kims": _("Pilih KIM sasaran, atau sasar semua KIM.")})
        if any(k.kabupaten_id != kabupaten.code for k in kims):
            raise ValidationError({"target_kims": _("KIM sasaran harus di kabupaten ini.")})
    with transaction.atomic():
        before = None
        if training is None:
            training = Training(organiser=actor)
        else:
            training = Training.objects.select_for_update().get(pk=training.pk)
            before = snapshot(training, TRAINING_FIELDS)
            registered = training.registrations.count()
            if data["quota"] < registered:
                raise ValidationError(
                    {
                        "quota": _("Sudah ada %(n)s pendaftar; kuota tidak boleh kurang dari itu.")
                        % {"n": registered}
                    }
                )
        for name in TRAINING_FIELDS:
            if name in data and name != "status":
                setattr(training, name, data[name])
        training.save()
        training.target_kims.set([] if training.target_all else kims)
        audit_record(
            actor=actor,
            action=AuditAction.TRAINING_CREATE if before is None else AuditAction.TRAINING_UPDATE,
            target=training,
            before=before,
            after=snapshot(training, TRAINING_FIELDS) | {"target_kims": [k.pk for k in kims]},
        )
    return training


def training_actions(training: Training) -> list[str]:
    return TRAINING_MACHINE.available(training.status)


def training_transition(*, actor: User, training: Training, action: str) -> Training:
    target = TRAINING_MACHINE.step(action).target
    assert target is not None  # every step of a training moves it
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        TRAINING_MACHINE.require_state(action, training.status, training.get_status_display())
        if action == "close" and timezone.now() < training.starts_at:
            raise ValidationError(
                _("Pelatihan belum dimulai; tandai selesai setelah pelatihan berlangsung.")
            )
        before = {"status": training.status}
        training.status = target
        training.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction(f"literacy.training_{action}"),
            target=training,
            before=before,
            after={"status": target},
        )
        if action == "open":
            _notify_registration_open(training)
        elif action == "close":
            certificates_issue_due(training=training)
    return training


def _notify_registration_open(training: Training) -> int:
    """Tell the members of every targeted KIM that they can register (once each)."""
    members = User.objects.filter(
        is_active=True,
        kim_memberships__kim__in=access.target_kims(training),
        kim_memberships__is_active=True,
    ).distinct()
    return notify(
        recipients=members,
        kind="literacy.registration_open",
        key=f"literacy.registration_open:{training.pk}",
        params={
            "what": training.title,
            # Sent outside the page: the hour as the kabupaten reads it, zone named.
            "when": format_local(training.starts_at, training.kabupaten_id, "j F Y H:i"),
        },
        url=training.get_absolute_url(),
    )


# --- registration ------------------------------------------------------------------------


def new_checkin_code() -> str:
    for _attempt in range(10):
        code = random_code(CHECKIN_CODE_LENGTH)
        if not Registration.objects.filter(checkin_code=code).exists():
            return code
    raise RuntimeError("no free check-in code")


def registration_create(*, actor: User, training: Training, kim: Kim) -> Registration:
    """Register the actor for a training on behalf of one of their KIMs.

    The training row is locked while the seats are counted, so two members taking the
    last seat at once cannot both get it."""
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        if training.status != Training.Status.OPEN:
            raise ValidationError(_("Pendaftaran pelatihan ini tidak dibuka."), code="not_open")
        if not training.registration_open:
            raise ValidationError(_("Pendaftaran pelatihan ini sudah ditutup."), code="closed")
        if not access.get_registrable_kims_for_user(actor, training).filter(pk=kim.pk).exists():
            raise ValidationError(_("Pelatihan ini bukan untuk KIM Anda itu."), code="not_targeted")
        if Registration.objects.filter(training=training, user=actor).exists():
            raise ValidationError(_("Anda sudah terdaftar di pelatihan ini."), code="duplicate")
        taken = Registration.objects.filter(training=training).count()
        if taken >= training.quota:
            raise ValidationError(
                _("Kuota pelatihan ini (%(quota)s peserta) sudah penuh. Anda tidak terdaftar.")
                % {"quota": training.quota},
                code="full",
            )
        registration = Registration.objects.create(
            training=training, user=actor, kim=kim, checkin_code=new_checkin_code()
        )
        audit_record(
            actor=actor,
            action=AuditAction.REGISTRATION_CREATE,
            target=registration,
            after={"training": training.pk, "kim": kim.pk},
        )
    return registration


def registration_cancel(*, actor: User, registration: Registration) -> None:
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("training")
            .get(pk=registration.pk)
        )
        if registration.user_id != actor.pk:
            raise ValidationError(_("Hanya peserta sendiri yang dapat membatalkan."))
        if registration.attended_at or registration.training.starts_at <= timezone.now():
            raise ValidationError(
                _("Pelatihan sudah dimulai; pendaftaran tidak dapat dibatalkan lagi.")
            )
        audit_record(
            actor=actor,
            action=AuditAction.REGISTRATION_CANCEL,
            target=registration,
            before={"training": registration.training_id, "kim": registration.kim_id},
        )
        registration.delete()


@dataclass
class CheckIn:
    registration: Registration
    already: bool  # was already checked in: nothing changed

    @property
    def message(self) -> str:
        name = self.registration.user.full_name
        if self.already:
            return _("%(name)s sudah hadir sebelumnya.") % {"name": name}
        return _("%(name)s hadir. Terima kasih.") % {"name": name}


def extract_code(value: str) -> str:
    """The check-in code from what a scanner or a person gave: the code itself, or the
    check-in URL the QR carries (…?kode=ABCD2345)."""
    value = (value or "").strip()
    if "kode=" in value:
        value = value.split("kode=", 1)[1].split("&", 1)[0]
    return normalise_code(value)


def registration_check_in(
    *, actor: User, training: Training, code: str, method: str = Registration.Method.CODE
) -> CheckIn:
    """Record attendance by code; idempotent (a second scan changes nothing)."""
    code = extract_code(code)
    if training.status not in (Training.Status.OPEN, Training.Status.CLOSED):
        raise ValidationError(
            _("Presensi hanya untuk pelatihan yang dibuka atau selesai."), code="not_open"
        )
    if len(code) != CHECKIN_CODE_LENGTH:
        raise ValidationError(
            _("Kode hadir terdiri dari 8 huruf dan angka. Periksa lagi."), code="bad_code"
        )
    opens = training.starts_at - CHECKIN_OPENS_BEFORE
    if timezone.now() < opens:
        raise ValidationError(
            _("Presensi dibuka mulai %(when)s, tiga jam sebelum pelatihan dimulai.")
            % {"when": formats.date_format(timezone.localtime(opens), "j F Y H.i")},
            code="too_early",
        )
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("user", "training")
            .filter(training=training, checkin_code=code)
            .first()
        )
        if registration is None:
            raise ValidationError(
                _("Kode %(code)s tidak terdaftar di pelatihan ini. Tidak ada yang dicatat.")
                % {"code": code},
                code="unknown_code",
            )
        if registration.attended_at is not None:
            return CheckIn(registration=registration, already=True)
        now = timezone.now()
        audited_update(
            actor=actor,
            instance=registration,
            data={"attended_at": now, "checked_in_by": actor, "checkin_method": method},
            action=AuditAction.CHECK_IN,
        )
        # A check-in before the training starts records the arrival; the certificate
        # follows once it has started (certificates_issue_due), never before.
        if now >= registration.training.starts_at:
            certificate_issue(
                actor=actor,
                user=registration.user,
                kind=Certificate.Kind.ATTENDANCE,
                training=registration.training,
            )
    return CheckIn(registration=registration, already=False)


def registrations_check_in_list(
    *, actor: User, training: Training, registration_ids: list[int]
) -> int:
    """Check in several registrations from the attendance list; returns how many were new."""
    new = 0
    codes = Registration.objects.filter(training=training, pk__in=registration_ids).values_list(
        "checkin_code", flat=True
    )
    for code in list(codes):
        result = registration_check_in(
            actor=actor, training=training, code=code, method=Registration.Method.LIST
        )
        new += not result.already
    return new


# --- certificates ------------------------------------------------------------------------


def certificate_issue(
    *,
    actor: User | None,
    user: User,
    kind: str,
    training: Training | None = None,
    module: Module | None = None,
) -> Certificate:
    """The user's certificate for a training or a module: the existing one, or a new one."""
    existing = Certificate.objects.filter(user=user, training=training, module=module).first()
    if existing is not None:
        return existing
    if training is not None:
        subject = training.title
    else:
        assert module is not None  # a certificate is for a training or a module
        subject = module.title
    for _attempt in range(5):
        try:
            with transaction.atomic():
                cert = Certificate.objects.create(
                    user=user,
                    kind=kind,
                    training=training,
                    module=module,
                    code=random_code(CERTIFICATE_CODE_LENGTH),
                    holder_name=user.full_name or user.email or "",
                    subject=subject,
                )
                audit_record(
                    actor=actor,
                    action=AuditAction.CERTIFICATE_ISSUE,
                    target=cert,
                    after={"user": user.pk, "kind": kind, "subject": subject},
                )
                notify(
                    recipients=[user],
                    kind="literacy.certificate",
                    key=f"literacy.certificate:{cert.pk}",
                    params={"what": subject, "code": cert.display_code},
                    url=reverse("literacy:mine"),
                    email=False,
                )
        except IntegrityError:
            issued = Certificate.objects.filter(user=user, training=training, module=module)
            if issued.exists():  # issued by a parallel request
                return issued.get()
            continue  # a code collision: draw again
        return cert
    raise RuntimeError("no free certificate code")


def certificates_issue_due(*, training: Training | None = None, user: User | None = None) -> int:
    """Attendance certificates owed: checked in, the training has started, none issued
    yet. Run by the periodic job, when a training closes and when a member opens their
    page; returns how many were issued."""
    due = Registration.objects.filter(
        attended_at__isnull=False, training__starts_at__lte=timezone.now()
    ).exclude(training__certificates__user=models.F("user"))
    if training is not None:
        due = due.filter(training=training)
    if user is not None:
        due = due.filter(user=user)
    issued = 0
    for registration in due.select_related("user", "training")[:500]:
        certificate_issue(
            actor=None,
            user=registration.user,
            kind=Certificate.Kind.ATTENDANCE,
            training=registration.training,
        )
        issued += 1
    return issued


def certificate_rename(*, actor: User, cert: Certificate, name: str) -> Certificate:
    """The holder corrects the name printed on their certificate (audited)."""
    name = " ".join((name or "").split())
    if cert.user_id != actor.pk:
        raise ValidationError(_("Hanya pemegang sertifikat yang bisa memperbaiki namanya."))
    if not name:
        raise ValidationError({"holder_name": _("Tulis nama Anda.")})
    limit = Certificate._meta.get_field("holder_name").max_length
    if limit is not None and len(name) > limit:
        raise ValidationError({"holder_name": _("Nama terlalu panjang (paling banyak 150 huruf).")})
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=cert.pk)
        cert, _changed = audited_update(
            actor=actor,
            instance=cert,
            data={"holder_name": name},
            action=AuditAction.CERTIFICATE_RENAME,
        )
    return cert


def find_certificate(code: str, *, kabupaten_code: str | None = None) -> Certificate | None:
    """The certificate of ``code``; with ``kabupaten_code``, only one of that kabupaten's
    trainings or modules, or of a platform module (the public check page of a tenant)."""
    code = normalise_code(code)
    if len(code) != CERTIFICATE_CODE_LENGTH:
        return None
    found = Certificate.objects.filter(code=code)
    if kabupaten_code is not None:
        found = found.filter(
            Q(training__kabupaten_id=kabupaten_code)
            | Q(module__kabupaten_id=kabupaten_code)
            | Q(training__isnull=True, module__kabupaten__isnull=True)
        )
    return found.first()


# --- learning ----------------------------------------------------------------------------


def module_lessons_done(user: User, module: Module) -> tuple[int, int]:
    total = module.lessons.count()
    done = LessonProgress.objects.filter(user=user, lesson__module=module).count()
    return done, total


def _module_certificate_if_earned(*, user: User, module: Module) -> Certificate | None:
    done, total = module_lessons_done(user, module)
    if total == 0 or done < total:
        return None
    has_quiz = module.questions.exists()
    if has_quiz and not QuizAttempt.objects.filter(user=user, module=module, passed=True).exists():
        return None
    return certificate_issue(actor=user, user=user, kind=Certificate.Kind.MODULE, module=module)


def lesson_complete(*, user: User, lesson: Lesson) -> Certificate | None:
    """Mark a lesson done (once); returns the module certificate when this earned it."""
    with transaction.atomic():
        LessonProgress.objects.get_or_create(user=user, lesson=lesson)
        return _module_certificate_if_earned(user=user, module=lesson.module)


@dataclass
class QuizResult:
    attempt: QuizAttempt
    correct: int
    total: int
    certificate: Certificate | None


def quiz_submit(*, user: User, module: Module, answers: dict[int, int]) -> QuizResult:
    """Score answers {question id: choice id}; every question must be answered."""
    questions = list(module.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("Modul ini belum punya kuis."))
    missing = [q for q in questions if q.pk not in answers]
    if missing:
        raise ValidationError(_("Jawab semua pertanyaan dulu."), code="incomplete")
    correct = 0
    for question in questions:
        choices = {c.pk: c for c in question.choices.all()}
        choice = choices.get(answers[question.pk])
        if choice is None:
            raise ValidationError(_("Jawaban tidak dikenal."), code="bad_choice")
        correct += choice.is_correct
    score = round(100 * correct / len(questions))
    with transaction.atomic():
        attempt = QuizAttempt.objects.create(
            user=user, module=module, score=score, passed=score >= module.pass_mark
        )
        cert = _module_certificate_if_earned(user=user, module=module) if attempt.passed else None
    return QuizResult(attempt=attempt, correct=correct, total=len(questions), certificate=cert)


def module_next_lesson(user: User, module: Module) -> Lesson | None:
    done = LessonProgress.objects.filter(user=user, lesson__module=module).values("lesson_id")
    return module.lessons.exclude(pk__in=done).first()


def published_modules_with_lesson_counts() -> list[WithAnnotations[Module, _LessonCount]]:
    """The published modules, each with ``n``, its number of lessons."""
    return list(access.get_published_modules().annotate(n=Count("lessons")))


def lessons_done_by_module(user: User) -> dict[int, int]:
    """How many lessons of each module the user has done, by module id."""
    return dict(
        LessonProgress.objects.filter(user=user)
        .values("lesson__module_id")
        .annotate(n=Count("id"))
        .values_list("lesson__module_id", "n")
    )


def learn_next(
    user: User,
    *,
    modules: list[WithAnnotations[Module, _LessonCount]] | None = None,
    done_by_module: dict[int, int] | None = None,
) -> tuple[Module, Lesson | None] | None:
    """What to learn next: the next lesson of a started, unfinished module; else the first
    published module not started; (module, None) when only its quiz is left. A page that
    already read the modules and the progress passes them in."""
    if modules is None:
        modules = published_modules_with_lesson_counts()
    if done_by_module is None:
        done_by_module = lessons_done_by_module(user)
    certified = set(
        Certificate.objects.filter(user=user, module__isnull=False).values_list(
            "module_id", flat=True
        )
    )
    for module in modules:
        if module.pk in done_by_module and module.pk not in certified:
            lesson = module_next_lesson(user, module)
            if lesson is not None or module.n:
                return module, lesson
    for module in modules:
        if module.pk not in done_by_module and module.n:
            return module, module.lessons.first()
    return None


MODULE_FIELDS = ["kabupaten", "title", "summary", "order", "pass_mark", "is_published"]


def module_save(*, actor: User, data: dict[str, Any], module: Module | None = None) -> Module:
    kabupaten = data.get("kabupaten")
    if kabupaten is None and not access.is_operator(actor):
        raise ValidationError({"kabupaten": _("Pilih kabupaten modul ini.")})
    if kabupaten is not None and not administers_kabupaten(actor, kabupaten.pk):
        raise ValidationError({"kabupaten": _("Anda tidak mengelola kabupaten itu.")})
    with transaction.atomic():
        before = snapshot(module, MODULE_FIELDS) if module is not None else None
        module = module or Module(created_by=actor)
        for name in MODULE_FIELDS:
            if name in data:
                setattr(module, name, data[name])
        module.save()
        audit_record(
            actor=actor,
            action=AuditAction.MODULE_SAVE,
            target=module,
            before=before,
            after=snapshot(module, MODULE_FIELDS),
        )
    return module


def _lesson_snapshot(lesson: Lesson) -> dict[str, Any]:
    # (snapshot() reads FieldFile.url, which an article's empty file does not have)
    return {
        "module": lesson.module_id,
        "title": lesson.title,
        "kind": lesson.kind,
        "order": lesson.order,
        "file": lesson.file.name or None,
    }


def lesson_save(
    *,
    actor: User,
    module: Module,
    title: str,
    kind: str,
    body: str = "",
    order: int = 0,
    file: LessonFile | None = None,
    lesson: Lesson | None = None,
) -> Lesson:
    if kind != Lesson.Kind.ARTICLE and file is None and (lesson is None or not lesson.file):
        raise ValidationError({"file": _("Unggah berkas untuk materi PDF atau video.")})
    if kind == Lesson.Kind.ARTICLE and not (body or "").strip():
        raise ValidationError({"body": _("Tulis isi artikel.")})
    # A file written before the transaction fails is deleted again (no orphan in a bucket).
    with removed_on_failure() as written, transaction.atomic():
        before = _lesson_snapshot(lesson) if lesson else None
        lesson = lesson or Lesson(module=module)
        lesson.title = title
        lesson.kind = kind
        lesson.body = sanitize_html(body)
        lesson.order = order
        if file is not None:
            lesson.file.save(storage_name(file), file.content, save=False)
            written.append(lesson.file.name)
            lesson.file_name = file.name
            lesson.file_size = file.size
        lesson.save()
        audit_record(
            actor=actor,
            action=AuditAction.LESSON_SAVE,
            target=lesson,
            before=before,
            after=_lesson_snapshot(lesson),
        )
    return lesson


def lesson_delete(*, actor: User, lesson: Lesson) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.LESSON_DELETE,
            target=lesson,
            before=_lesson_snapshot(lesson),
        )
        lesson.delete()


def question_add(
    *, actor: User, module: Module, text: str, choices: list[str], correct: int, order: int = 0
) -> Question:
    choices = [c.strip() for c in choices if c and c.strip()]
    if len(choices) < 2:
        raise ValidationError(_("Soal memerlukan sedikitnya dua pilihan jawaban."))
    if not 0 <= correct < len(choices):
        raise ValidationError({"correct": _("Pilih jawaban benar di antara pilihan yang diisi.")})
    with transaction.atomic():
        question = Question.objects.create(module=module, text=text, order=order)
        Choice.objects.bulk_create(
            Choice(question=question, text=c, is_correct=i == correct)
            for i, c in enumerate(choices)
        )
        audit_record(
            actor=actor,
            action=AuditAction.QUESTION_ADD,
            target=question,
            after={"module": module.pk, "text": text, "choices": choices, "correct": correct},
        )
    return question


def question_delete(*, actor: User, question: Question) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.QUESTION_DELETE,
            target=question,
            before={"module": question.module_id, "text": question.text},
        )
        question.delete()


# --- score weights -----------------------------------------------------------------------

WEIGHT_FIELDS = [
    "posts",
    "republished",
    "reach",
    "aspirations_recorded",
    "aspirations_handled",
    "trainings_attended",
    "members_active",
    "level_berkembang",
    "level_maju",
    "level_mandiri",
]


def score_weights_save(*, actor: User, kabupaten: Region, data: dict[str, Any]) -> ScoreWeights:
    if not administers_kabupaten(actor, kabupaten.pk):
        raise ValidationError(_("Anda tidak mengelola kabupaten itu."))
    if not (1 <= data["level_berkembang"] < data["level_maju"] < data["level_mandiri"]):
        raise ValidationError(
            _("Batas tingkat harus naik: Berkembang < Maju < Mandiri (dan minimal 1).")
        )
    with transaction.atomic():
        weights = ScoreWeights.objects.select_for_update().filter(kabupaten=kabupaten).first()
        before = snapshot(weights, WEIGHT_FIELDS) if weights else None
        weights = weights or ScoreWeights(kabupaten=kabupaten)
        for name in WEIGHT_FIELDS:
            setattr(weights, name, data[name])
        weights.updated_by = actor
        weights.save()
        audit_record(
            actor=actor,
            action=AuditAction.WEIGHTS_SAVE,
            target=weights,
            before=before,
            after=snapshot(weights, WEIGHT_FIELDS),
        )
        score_weights_changed.send(sender=ScoreWeights, kabupaten_code=kabupaten.code)
    return weights

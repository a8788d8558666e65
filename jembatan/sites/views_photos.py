"""A KIM's photos in the workspace (/kelola/kim/<kim>/foto/): upload, list, delete."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jembatan.core.images import max_upload_bytes
from jembatan.core.service_calls import service_errors
from jembatan.sites import photo_services
from jembatan.sites.access import can_approve_posts, get_writable_kim_for_user
from jembatan.sites.photos_model import Photo

ACCEPT = "image/jpeg,image/png,image/webp"
PAGE_SIZE = 60


class PhotoUploadForm(forms.Form):
    # A FileField, not an ImageField: the service checks the content, never the name.
    file = forms.FileField(
        label=gettext_lazy("Berkas foto"),
        # No "capture" attribute: on Android it would force the camera and hide the gallery;
        # without it the phone offers both.
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    caption = forms.CharField(
        label=gettext_lazy("Keterangan foto"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 300}),
    )
    alt_text = forms.CharField(
        label=gettext_lazy("Teks alternatif"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Jelaskan singkat apa yang terlihat, untuk pembaca layar. Contoh: "
            "Warga bergotong royong membersihkan saluran air."
        ),
    )

    purpose = forms.ChoiceField(
        label=gettext_lazy("Kegunaan"),
        choices=Photo.Purpose.choices,
        initial=Photo.Purpose.PHOTO,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "JPEG, PNG atau WebP, paling besar %(limit)s MB. Data lokasi (GPS) dihapus otomatis."
        ) % {"limit": max_upload_bytes() // (1024 * 1024)}


@login_required
def photo_list(request: HttpRequest, kim: str) -> HttpResponse:
    obj = get_writable_kim_for_user(request.user, kim)
    form = PhotoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(
            request, form, field="purpose", denied=True, success=_("Foto tersimpan.")
        ) as call:
            photo_services.photo_upload(
                actor=request.user,
                kim=obj,
                file=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                alt_text=form.cleaned_data["alt_text"],
                purpose=form.cleaned_data["purpose"] or Photo.Purpose.PHOTO,
            )
        if call.ok:
            return redirect("sites:manage_photos", kim=obj.slug)
    photos = list(Photo.objects.filter(kim=obj).select_related("uploaded_by")[:PAGE_SIZE])
    # The page is reached only by those who write for the KIM (get_writable_kim_for_user), so
    # can_delete_photo reduces to: approvers delete any photo, others their own.
    approver = can_approve_posts(request.user, obj)
    for photo in photos:
        photo.kim = obj
        photo.deletable = approver or photo.uploaded_by_id == request.user.pk
    return render(request, "sites/manage/photos.html", {"kim": obj, "form": form, "photos": photos})


@login_required
@require_POST
def photo_delete(request: HttpRequest, kim: str, pk: int) -> HttpResponse:
    obj = get_writable_kim_for_user(request.user, kim)
    photo = get_object_or_404(Photo.objects.filter(kim=obj), pk=pk)
    photo.kim = obj
    photo_services.photo_delete(actor=request.user, photo=photo)  # PermissionDenied: 403
    messages.success(request, _("Foto dihapus."))
    return redirect("sites:manage_photos", kim=obj.slug)

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jembatan.sites.models import Category, Photo, Post


class PostForm(forms.ModelForm):
    body = forms.CharField(
        label=_("Isi"),
        widget=forms.Textarea(attrs={"rows": 12, "data-rich-editor": ""}),
        help_text=_("Tanpa editor: tulis biasa, pisahkan paragraf dengan baris kosong."),
    )

    class Meta:
        model = Post
        fields = ["title", "summary", "body", "photo", "category", "tags", "slug"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2, "maxlength": 300})}
        help_texts = {"slug": _("Kosongkan untuk dibuat dari judul.")}
        # "Alamat" alone reads as a street address.
        labels = {"slug": _("Alamat web")}

    class Media:
        js = ["js/editor.js"]

    def __init__(self, *args, kim, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(kim=kim)
        self.fields["photo"].queryset = Photo.objects.filter(kim=kim)
        self.fields["slug"].required = False

    def _post_clean(self) -> None:
        # Uniqueness and sanitising are the service's job; see services.post_create.
        pass


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Jadwal terbit (opsional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

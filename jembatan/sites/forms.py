from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jembatan.core.params import validate_moment
from jembatan.core.richtext import html_to_plain_text
from jembatan.sites.models import Category, Photo, Post


class RichTextarea(forms.Textarea):
    """The editor's textarea. Stored paragraphs come back as the plain text a writer
    without JavaScript typed (blank lines between paragraphs), not as raw <p> tags;
    richer HTML stays HTML. The editor (js/editor.js) turns either into paragraphs."""

    def __init__(self, attrs=None) -> None:
        super().__init__({"rows": 12, "data-rich-editor": "", **(attrs or {})})

    def format_value(self, value):
        value = super().format_value(value)
        if not value:
            return value
        text = html_to_plain_text(value)
        return value if text is None else text


class _PhotoOptions:
    """Options that carry their Photo and its thumbnail, for sites/widgets/photo_picker.html."""

    template_name = "sites/widgets/photo_picker.html"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        photo = getattr(value, "instance", None)
        option["photo"] = photo
        option["thumb"] = photo.url_for(240) if photo is not None else ""
        return option


class PhotoPicker(_PhotoOptions, forms.RadioSelect):
    """The KIM's photo library as thumbnails with their captions (not "8/2")."""


class PhotoPickerMultiple(_PhotoOptions, forms.CheckboxSelectMultiple):
    """Several photos of the library (an album), as thumbnails with captions."""


class NewPhotoMixin(forms.Form):
    """Take or pick a photo in the form itself; the view stores it in the KIM's library."""

    new_photo = forms.FileField(
        label=_("Ambil atau pilih foto"),
        required=False,
        # image/*: a phone offers its camera and its gallery. No "capture": on Android it
        # would hide the gallery.
        widget=forms.FileInput(attrs={"accept": "image/*", "data-photo-preview": ""}),
        help_text=_("Foto juga masuk ke pustaka foto KIM."),
    )
    new_photo_caption = forms.CharField(
        label=_("Keterangan foto baru"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 300}),
    )


RICH_TEXT_HELP = _("Tanpa editor: tulis biasa, pisahkan paragraf dengan baris kosong.")


class PostForm(NewPhotoMixin, forms.ModelForm):
    body = forms.CharField(
        label=_("Isi"),
        widget=RichTextarea(),
        help_text=RICH_TEXT_HELP,
    )

    class Meta:
        model = Post
        fields = ["title", "summary", "body", "photo", "category", "tags", "slug"]
        help_texts = {"slug": _("Kosongkan untuk dibuat dari judul.")}
        # "Alamat" alone reads as a street address.
        labels = {"slug": _("Alamat web")}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
            "photo": PhotoPicker,
        }

    field_order = ["title", "summary", "body", "new_photo", "new_photo_caption", "photo"]

    class Media:
        js = ["js/editor.js", "js/photo-field.js"]
        css = {"all": ["css/editor-photos.css"]}

    def __init__(self, *args, kim, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(kim=kim)
        # Photos, not logos or decree scans; and whatever the post already shows.
        self.fields["photo"].queryset = Photo.objects.filter(kim=kim).filter(
            Q(purpose=Photo.Purpose.PHOTO) | Q(pk=self.instance.photo_id)
        )
        self.fields["photo"].label = _("Atau pilih dari pustaka foto")
        self.fields["photo"].empty_label = _("Tanpa foto")
        self.fields["slug"].required = False
        if not self.fields["photo"].queryset.exists():
            # Nothing to pick yet: the photo taken above is the only way in.
            self.fields["photo"].widget = forms.HiddenInput()

    def show_library(self) -> None:
        """Show the picker after all (a photo was just added to an empty library)."""
        field = self.fields["photo"]
        field.widget = PhotoPicker()
        field.widget.choices = field.choices

    def _post_clean(self) -> None:
        # Uniqueness and sanitising are the service's job; see services.post_create.
        pass


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Jadwal terbit (opsional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[validate_moment],
    )

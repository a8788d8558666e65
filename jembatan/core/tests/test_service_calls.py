import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from jembatan.core.service_calls import add_service_errors, service_errors


class NameForm(forms.Form):
    name = forms.CharField()
    note = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _shown(request):
    return [(m.level, str(m)) for m in messages.get_messages(request)]


def _form():
    form = NameForm({"name": "Kim", "note": ""})
    assert form.is_valid()
    return form


def test_field_errors_go_on_their_fields_and_the_rest_is_non_field():
    form = _form()
    with service_errors(_request(), form) as call:
        raise ValidationError({"name": ["Nama sudah dipakai."], "slug": "Alamat salah."})
    assert not call.ok
    assert form.errors["name"] == ["Nama sudah dipakai."]
    assert form.non_field_errors() == ["Alamat salah."]
    assert "slug" not in form.errors


def test_plain_error_on_a_form_is_a_non_field_error_or_on_the_named_field():
    form = _form()
    with service_errors(form=form):
        raise ValidationError(["Satu.", "Dua."])
    assert form.non_field_errors() == ["Satu.", "Dua."]
    other = _form()
    with service_errors(form=other, field="note"):
        raise ValidationError("Catatan wajib.")
    assert other.errors["note"] == ["Catatan wajib."]


def test_rename_maps_a_service_field_onto_the_form_field():
    form = _form()
    add_service_errors(form, ValidationError({"file": "Bukan gambar."}), rename={"file": "note"})
    assert form.errors["note"] == ["Bukan gambar."]


def test_without_a_form_every_message_becomes_one_error_message():
    request = _request()
    with service_errors(request, success="Tersimpan.") as call:
        raise ValidationError({"name": ["Nama kosong."], "__all__": ["Sudah ditutup."]})
    assert not call.ok
    assert call.message == "Nama kosong. Sudah ditutup."
    assert _shown(request) == [(messages.ERROR, "Nama kosong. Sudah ditutup.")]


def test_success_message_only_when_the_block_went_well():
    request = _request()
    with service_errors(request, success="Tersimpan.") as call:
        pass
    assert call.ok
    assert call.message == ""
    assert _shown(request) == [(messages.SUCCESS, "Tersimpan.")]


def test_no_request_no_form_only_tells_the_outcome():
    with service_errors() as call:
        raise ValidationError("Kode salah.", code="wrong")
    assert call.message == "Kode salah."
    assert call.error.code == "wrong"


@pytest.mark.parametrize("error", [PermissionDenied("Tidak boleh."), Http404("Tidak ada.")])
def test_permission_denied_and_404_pass_through(error):
    request = _request()
    form = _form()
    with pytest.raises(type(error)), service_errors(request, form, success="Tersimpan."):
        raise error
    assert form.errors == {}
    assert _shown(request) == []


def test_denied_opt_in_shows_the_refusal_on_the_form_field():
    form = _form()
    with service_errors(form=form, field="note", denied=True) as call:
        raise PermissionDenied("Hanya ketua.")
    assert not call.ok
    assert form.errors["note"] == ["Hanya ketua."]
    with pytest.raises(Http404), service_errors(form=form, denied=True):
        raise Http404


def test_other_exceptions_are_not_swallowed():
    with pytest.raises(KeyError), service_errors(_request()):
        raise KeyError("x")


def test_codes_and_messages_of_a_field_error_and_of_a_list():
    with service_errors() as call:
        raise ValidationError({"version": ValidationError("Sudah berubah.", code="stale")})
    assert call.codes == {"stale"}
    assert call.messages == ["Sudah berubah."]
    with service_errors() as listed:
        raise ValidationError([ValidationError("A.", code="a"), ValidationError("B.")])
    assert listed.codes == {"a"}
    assert listed.messages == ["A.", "B."]
    with service_errors(form=_form(), denied=True) as denied:
        raise PermissionDenied("Tidak boleh.")
    assert denied.codes == set()
    assert denied.messages == ["Tidak boleh."]

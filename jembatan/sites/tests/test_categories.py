from django.urls import reverse

from jembatan.accounts.audit import audit_for
from jembatan.sites.models import Category, Post
from jembatan.sites.services import post_create


def url(kim, pk=None):
    if pk:
        return reverse("sites:manage_category_delete", kwargs={"kim": kim.slug, "pk": pk})
    return reverse("sites:manage_categories", kwargs={"kim": kim.slug})


def test_ketua_adds_a_category_used_by_the_post_form(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    assert client.post(url(a.kim), {"name": "  Kesehatan  "}).status_code == 302
    category = Category.objects.get(kim=a.kim)
    assert (category.name, category.slug) == ("Kesehatan", "kesehatan")
    assert audit_for(category).get().action == "category.create"
    form = client.get(reverse("sites:manage_post_create", kwargs={"kim": a.kim.slug}))
    assert f'value="{category.pk}">Kesehatan' in form.content.decode()


def test_duplicate_category_is_refused(client, two_tenants):
    a = two_tenants.a
    client.force_login(a.owner)
    client.post(url(a.kim), {"name": "Kesehatan"})
    response = client.post(url(a.kim), {"name": "kesehatan"})
    assert "sudah ada" in response.content.decode()
    assert Category.objects.count() == 1


def test_anggota_cannot_change_categories(client, two_tenants):
    a = two_tenants.a
    category = Category.objects.create(kim=a.kim, name="Desa", slug="desa")
    client.force_login(a.member)
    assert client.post(url(a.kim), {"name": "Baru"}).status_code == 403
    assert client.post(url(a.kim, category.pk)).status_code == 403
    assert list(Category.objects.values_list("name", flat=True)) == ["Desa"]


def test_deleting_a_category_keeps_its_posts(client, two_tenants):
    a = two_tenants.a
    category = Category.objects.create(kim=a.kim, name="Desa", slug="desa")
    post = post_create(
        actor=a.owner, kim=a.kim, data={"title": "x", "body": "y", "category": category}
    )
    client.force_login(a.owner)
    client.post(url(a.kim, category.pk))
    post.refresh_from_db()
    assert post.category is None
    assert Post.objects.count() == 1


def test_another_kims_category_is_404(client, two_tenants):
    b = two_tenants.b
    theirs = Category.objects.create(kim=b.kim, name="Lain", slug="lain")
    client.force_login(two_tenants.a.owner)
    assert client.post(url(two_tenants.a.kim, theirs.pk)).status_code == 404
    assert Category.objects.filter(pk=theirs.pk).exists()

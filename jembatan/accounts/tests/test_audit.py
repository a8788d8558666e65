import ast
import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

import jembatan
from jembatan.accounts.audit import (
    audit_for,
    audit_record,
    audit_records_bulk,
    audited_create,
    audited_update,
    snapshot,
)
from jembatan.accounts.audit_registry import (
    UnregisteredAuditAction,
    action_label,
    register_actions,
    registered_actions,
)
from jembatan.accounts.models import AuditLog
from jembatan.communities.models import Kim
from jembatan.regions.models import Region
from jembatan.tenants.current import _current
from jembatan.testing.factories import (
    KimFactory,
    PostFactory,
    UserFactory,
    region_chain,
    serve_tenant,
)


@pytest.mark.django_db
def test_audit_record_keeps_who_what_when_before_after():
    actor = UserFactory()
    kim = KimFactory()
    before = snapshot(kim, ["name", "region", "is_active"])
    kim.name = "KIM Baru"
    kim.is_active = False
    kim.save(update_fields=["name", "is_active"])
    row = audit_record(
        actor=actor,
        action="kim.update",
        target=kim,
        before=before,
        after=snapshot(kim, ["name", "region", "is_active"]),
    )
    row.refresh_from_db()
    assert row.actor == actor
    assert row.action == "kim.update"
    assert row.before == {"name": before["name"], "region": kim.region_id, "is_active": True}
    assert row.after == {"name": "KIM Baru", "region": kim.region_id, "is_active": False}
    assert row.target_repr == "KIM Baru"
    assert list(audit_for(kim)) == [row]


@pytest.mark.django_db
def test_audit_record_serialises_dates_and_accepts_anonymous_actor():
    kim = KimFactory()
    row = audit_record(
        actor=AnonymousUser(),
        action="kim.verify",
        target=kim,
        after={"verified_at": datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)},
    )
    row.refresh_from_db()
    assert row.actor is None
    assert row.after == {"verified_at": "2026-01-02T03:04:00+00:00"}


@pytest.mark.django_db
def test_audit_rows_of_other_objects_are_not_mixed():
    a, b = KimFactory(), KimFactory()
    audit_record(actor=None, action="kim.verify", target=a)
    assert audit_for(b).count() == 0
    assert AuditLog.objects.count() == 1


def test_a_snapshot_takes_file_fields_empty_or_not():
    from jembatan.aspirations.models import AspirationPhoto

    photo = AspirationPhoto(width=1, height=1)
    assert snapshot(photo, ["file", "width"]) == {"file": None, "width": 1}
    photo.file.name = "aspirasi/2026/11/a.jpg"
    assert snapshot(photo, ["file"]) == {"file": "aspirasi/2026/11/a.jpg"}


# --- the registry -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unregistered_action_is_refused_and_nothing_is_written():
    kim = KimFactory()
    with pytest.raises(UnregisteredAuditAction):
        audit_record(actor=None, action="kim.updaet", target=kim)
    with pytest.raises(UnregisteredAuditAction):
        audited_update(actor=None, instance=kim, data={"name": "Baru"}, action="kim.updaet")
    with pytest.raises(UnregisteredAuditAction):
        audit_records_bulk(actor=None, action="post.nope", targets=[kim])
    assert AuditLog.objects.count() == 0
    kim.refresh_from_db()
    assert kim.name != "Baru"


def test_every_app_declares_its_actions_and_each_has_a_translated_label():
    actions = registered_actions()
    apps = {info.app for info in actions.values()}
    assert {"accounts", "communities", "sites", "dissemination", "aspirations"} <= apps
    assert {"dialogue", "literacy", "disclosure", "api"} <= apps
    # The names already stored keep their meaning.
    assert actions["post.publish"].app == "sites"
    assert actions["aspiration.catatan"].app == "aspirations"
    with override("id"):
        assert str(action_label("kim.update")) == "Profil diubah"
    with override("en"):
        assert str(action_label("kim.update")) == "Profile changed"
    # A row written before an action was declared still shows what it says.
    assert action_label("lama.tindakan") == "lama.tindakan"


def test_two_apps_cannot_declare_the_same_action():
    class Clash(models.TextChoices):
        KIM_UPDATE = "kim.update", "x"

    Clash.__module__ = "jembatan.sites.audit_actions"
    with pytest.raises(ImproperlyConfigured):
        register_actions(Clash)
    assert registered_actions()["kim.update"].app == "communities"


@pytest.mark.django_db
def test_a_row_shows_its_label():
    kim = KimFactory()
    row = audit_record(actor=None, action="kim.verify", target=kim)
    with override("id"):
        assert str(row.action_label) == "KIM diverifikasi"


# --- audited_update -----------------------------------------------------------------------


@pytest.mark.django_db
def test_audited_update_saves_and_records_only_what_changed():
    actor = UserFactory()
    kim = KimFactory(description="lama")
    other_region = region_chain("61.07.04.2004")
    with CaptureQueriesContext(connection) as queries:
        kim, changed = audited_update(
            actor=actor,
            instance=kim,
            data={"name": kim.name, "description": "baru", "region": other_region},
            action="kim.update",
            note="n",
        )
    assert changed
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1
    assert '"description"' in updates[0] and '"region_id"' in updates[0]
    assert '"name"' not in updates[0]
    row = audit_for(kim).get()
    assert (row.action, row.actor, row.note) == ("kim.update", actor, "n")
    assert set(row.before) == set(row.after) == {"description", "region"}
    assert row.after == {"description": "baru", "region": other_region.pk}
    kim.refresh_from_db()
    assert kim.description == "baru" and kim.region_id == other_region.pk


@pytest.mark.django_db
def test_audited_update_without_a_change_neither_saves_nor_records():
    kim = KimFactory(description="sama")
    with CaptureQueriesContext(connection) as queries:
        kim, changed = audited_update(
            actor=None,
            instance=kim,
            data={"description": "sama", "region": kim.region_id},
            action="kim.update",
        )
    assert not changed
    assert len(queries) == 0
    assert AuditLog.objects.count() == 0


@pytest.mark.django_db
def test_audited_update_takes_only_the_named_fields_saves_auto_now_and_omits_bodies():
    post = PostFactory(title="Lama", summary="r")
    stamp = post.updated_at
    post, changed = audited_update(
        actor=None,
        instance=post,
        data={"title": "Baru", "body": "<p>baru</p>", "summary": "tidak diambil"},
        fields=["title", "body"],
        action="post.update",
        omit=["body"],
    )
    assert changed
    post.refresh_from_db()
    assert (post.title, post.body, post.summary) == ("Baru", "<p>baru</p>", "r")
    assert post.updated_at > stamp
    row = audit_for(post).get()
    assert row.before == {"title": "Lama"} and row.after == {"title": "Baru"}


@pytest.mark.django_db
def test_audited_update_can_clean_first_and_then_writes_nothing():
    kim = KimFactory()
    with pytest.raises(ValidationError):
        audited_update(
            actor=None,
            instance=kim,
            data={"email": "bukan email"},
            action="kim.update",
            full_clean=True,
        )
    assert AuditLog.objects.count() == 0
    kim.refresh_from_db()
    assert kim.email == ""


@pytest.mark.django_db(transaction=True)
def test_audited_update_row_and_save_share_one_transaction():
    kim = KimFactory(description="lama")
    # The audit row fails to insert (actor not saved): the change must not stay either.
    ghost = UserFactory.build(pk=987654)
    with pytest.raises(Exception):  # noqa: B017 (the database's own integrity error)
        audited_update(actor=ghost, instance=kim, data={"description": "baru"}, action="kim.update")
    kim.refresh_from_db()
    assert kim.description == "lama"


@pytest.mark.django_db
def test_audited_create_saves_the_row_and_records_it_as_saved():
    actor = UserFactory()
    region = region_chain("61.07.04.2003", "Tirta Kencana")
    kim = audited_create(
        actor=actor,
        model=Kim,
        data={"name": "KIM Baru", "slug": "kim-baru", "region": region},
        action="kim.create",
        recorded=["name", "slug", "region", "is_active"],
        extra={"members": 0},
        note="n",
    )
    assert kim.pk is not None and Kim.objects.get(pk=kim.pk).name == "KIM Baru"
    row = audit_for(kim).get()
    assert (row.action, row.actor, row.note, row.before) == ("kim.create", actor, "n", None)
    # The recorded fields as saved (the default included), then what the caller adds.
    assert row.after == {
        "name": "KIM Baru",
        "slug": "kim-baru",
        "region": region.pk,
        "is_active": True,
        "members": 0,
    }


@pytest.mark.django_db
def test_audited_create_can_clean_first_and_then_writes_nothing():
    region_chain("61.07.04.2003", "Tirta Kencana")
    kabupaten = Region.objects.get(code="61.07")  # a KIM stands at a kecamatan or below
    with pytest.raises(ValidationError) as refused:
        audited_create(
            actor=None,
            model=Kim,
            data={"name": "KIM", "slug": "kim", "region": kabupaten},
            action="kim.create",
            recorded=["name"],
            full_clean=True,
        )
    assert "region" in refused.value.message_dict
    assert not Kim.objects.exists() and not AuditLog.objects.exists()


@pytest.mark.django_db
def test_audited_create_refuses_an_undeclared_action_before_it_writes():
    region = region_chain("61.07.04.2003", "Tirta Kencana")
    with pytest.raises(UnregisteredAuditAction):
        audited_create(
            actor=None,
            model=Kim,
            data={"name": "KIM", "slug": "kim", "region": region},
            action="kim.craete",
            recorded=["name"],
        )
    assert not Kim.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_audited_create_row_and_insert_share_one_transaction():
    region = region_chain("61.07.04.2003", "Tirta Kencana")
    ghost = UserFactory.build(pk=987654)
    with pytest.raises(Exception):  # noqa: B017 (the database's own integrity error)
        audited_create(
            actor=ghost,
            model=Kim,
            data={"name": "KIM", "slug": "kim", "region": region},
            action="kim.create",
            recorded=["name"],
        )
    assert not Kim.objects.exists()


@pytest.mark.django_db
def test_audit_records_bulk_writes_one_row_per_object_in_one_insert():
    actor = UserFactory()
    posts = [PostFactory(), PostFactory()]
    with CaptureQueriesContext(connection) as queries:
        rows = audit_records_bulk(
            actor=actor, action="post.unpublish_withdrawn", targets=posts, note="ditarik"
        )
    assert len([q for q in queries if q["sql"].startswith("INSERT")]) == 1
    assert len(rows) == 2
    for post in posts:
        row = audit_for(post).get()
        assert (row.actor, row.note, row.target_repr) == (actor, "ditarik", post.title)
    assert audit_records_bulk(actor=actor, action="post.unpublish_withdrawn", targets=[]) == []
    assert timezone.now() >= rows[0].created_at


def test_no_production_module_writes_an_audit_action_as_a_bare_string():
    """Actions are named by the apps' AuditAction constants, never typed out again."""
    root = Path(jembatan.__file__).parent
    writers = {"audit_record", "audited_update", "audit_records_bulk", "_set_assignee"}
    found = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            for kw in node.keywords:
                if kw.arg != "action":
                    continue
                values = [kw.value]
                if isinstance(kw.value, ast.IfExp):
                    values = [kw.value.body, kw.value.orelse]
                if name in writers and any(
                    isinstance(v, ast.Constant | ast.JoinedStr) for v in values
                ):
                    found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []


@pytest.mark.django_db
def test_a_row_carries_the_tenant_given_else_the_one_served_else_none():
    bengkayang = serve_tenant()
    mempawah = serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    actor = UserFactory()
    # A target of no kabupaten (a user account).
    person = UserFactory()
    # Outside a request or task: no tenant unless given.
    assert audit_record(actor=actor, action="kim.update", target=person).tenant_id is None
    given = audit_record(actor=actor, action="kim.update", target=person, tenant=mempawah)
    assert given.tenant_id == mempawah.pk
    token = _current.set(bengkayang)
    try:
        served = audit_record(actor=actor, action="kim.update", target=person)
        explicit = audit_record(actor=actor, action="kim.update", target=person, tenant=mempawah)
        bulk = audit_records_bulk(actor=actor, action="kim.update", targets=[person, person])
        _, changed = audited_update(
            actor=actor, instance=person, data={"full_name": "Nama Lain"}, action="kim.update"
        )
        assert changed
    finally:
        _current.reset(token)
    assert served.tenant_id == bengkayang.pk
    assert explicit.tenant_id == mempawah.pk
    assert {row.tenant_id for row in bulk} == {bengkayang.pk}
    assert audit_for(person).first().tenant_id == bengkayang.pk


@pytest.mark.django_db
def test_a_row_about_a_kabupatens_object_is_filed_under_that_kabupatens_tenant():
    """A change made on Bengkayang's host (an operator, a provincial officer) to a KIM of
    Mempawah is Mempawah's audit trail, not Bengkayang's."""
    bengkayang = serve_tenant()
    mempawah = serve_tenant("61.04", "Kabupaten Mempawah", hosts=("mempawah.test",))
    actor = UserFactory()
    kim = KimFactory(region=region_chain("61.04.05.2001", "Sungai Pinyuh"))
    token = _current.set(bengkayang)
    try:
        single = audit_record(actor=actor, action="kim.update", target=kim)
        bulk = audit_records_bulk(actor=actor, action="kim.update", targets=[kim])
        _, changed = audited_update(
            actor=actor, instance=kim, data={"name": "KIM Lain"}, action="kim.update"
        )
        assert changed
    finally:
        _current.reset(token)
    assert single.tenant_id == mempawah.pk
    assert bulk[0].tenant_id == mempawah.pk
    assert audit_for(kim).first().tenant_id == mempawah.pk
    # With no request at all, the object still names its tenant.
    assert audit_record(actor=actor, action="kim.update", target=kim).tenant_id == mempawah.pk

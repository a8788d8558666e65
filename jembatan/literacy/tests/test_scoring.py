import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jembatan.accounts.audit import audit_for
from jembatan.accounts.models import Role
from jembatan.aspirations.models import Aspiration, Category
from jembatan.dashboard import scoring
from jembatan.dissemination.models import Delivery, InfoItem, ShareLink
from jembatan.literacy import score_rules, services
from jembatan.literacy.models import KimScore, Registration, ScoreWeights
from jembatan.sites.models import Post
from jembatan.testing.factories import (
    KimFactory,
    KimMembershipFactory,
    MembershipFactory,
    TrainingFactory,
    UserFactory,
    region_chain,
)

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _post(kim, n, *, published=True, year=YEAR):
    return Post.objects.create(
        kim=kim,
        title=f"Berita {kim.slug} {n}",
        slug=f"berita-{kim.slug}-{n}",
        body="<p>Isi</p>",
        author=kim.memberships.first().user,
        status="published" if published else "draft",
        published_at=timezone.now().replace(year=year) if published else None,
    )


@pytest.fixture
def activity(two_tenants):
    """KIM A: 3 own posts (and a draft and one of last year), 1 re-published item with
    250 views and 60 clicks, 2 aspirations (1 done), 1 training attendance, 2 members who
    logged in this year."""
    a = two_tenants.a
    kab = region_chain("61.07")
    for n in range(3):
        _post(a.kim, n)
    _post(a.kim, 10, published=False)
    _post(a.kim, 11, year=YEAR - 1)
    author = UserFactory()
    item = InfoItem.objects.create(
        title="Imunisasi",
        slug="imunisasi",
        body="x",
        author=author,
        area=kab,
        status="published",
        published_at=timezone.now(),
    )
    copy = _post(a.kim, 20)
    delivery = Delivery.objects.create(
        item=item, kim=a.kim, republished_at=timezone.now(), post=copy, view_count=250
    )
    ShareLink.objects.create(delivery=delivery, channel="whatsapp", code="WA1", click_count=60)
    category = Category.objects.create(kabupaten=kab, name="Jalan")
    village = region_chain("61.07.04.1010")
    for n, status in enumerate(["selesai", "diterima"]):
        Aspiration.objects.create(
            code=f"ASP{n}",
            kabupaten=kab,
            region=village,
            category=category,
            description="Jalan rusak",
            kim=a.kim,
            status=status,
        )
    training = TrainingFactory()
    Registration.objects.create(
        training=training,
        user=a.member,
        kim=a.kim,
        checkin_code="AAAA2222",
        attended_at=timezone.now(),
        checkin_method="kode",
    )
    for user in (a.owner, a.member):
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
    return two_tenants


def test_components_are_counted_from_real_activity(activity):
    kim = activity.a.kim
    other = KimFactory(region=region_chain("61.07.04.2003"))
    rows = {r.kim_id: r for r in scoring.compute_kabupaten("61.07", YEAR)}
    score = rows[kim.pk]
    assert (score.posts, score.republished, score.reach) == (3, 1, 310)
    assert (score.aspirations_recorded, score.aspirations_handled) == (2, 1)
    assert (score.trainings_attended, score.members_active) == (1, 2)
    # defaults: 3*2 + 1*3 + 3*1 + 2*2 + 1*3 + 1*5 + 2*2 = 28
    assert score.points == 28 and score.level == "pemula" and score.rank == 1
    assert rows[other.pk].points == 0 and rows[other.pk].rank == 2
    assert activity.b.kim.pk not in rows  # another kabupaten
    assert KimScore.objects.filter(kabupaten_id="61.07", year=YEAR).count() == 2


def test_query_count_does_not_grow_with_kims(activity):
    with CaptureQueriesContext(connection) as few:
        scoring.compute_kabupaten("61.07", YEAR)
    for n in range(5):
        KimFactory(region=region_chain(f"61.07.04.20{10 + n}"))
    with CaptureQueriesContext(connection) as many:
        scoring.compute_kabupaten("61.07", YEAR)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_weights_and_levels_are_configurable_and_audited(
    client, activity, django_capture_on_commit_callbacks
):
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=region_chain("61.07"))
    client.force_login(admin)
    assert client.get("/kelola/literasi/bobot/").status_code == 200
    data = {
        "posts": 10,
        "republished": 3,
        "reach": 1,
        "aspirations_recorded": 2,
        "aspirations_handled": 3,
        "trainings_attended": 5,
        "members_active": 2,
        "level_berkembang": 20,
        "level_maju": 50,
        "level_mandiri": 100,
    }
    bad = data | {"level_maju": 10}
    response = client.post("/kelola/literasi/bobot/", bad)
    assert response.status_code == 200 and "harus naik" in response.content.decode()
    assert not ScoreWeights.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/kelola/literasi/bobot/", data)
    assert response.status_code == 302
    weights = ScoreWeights.objects.get(kabupaten_id="61.07")
    assert weights.posts == 10 and weights.updated_by == admin
    assert audit_for(weights).filter(action="literacy.weights_save").exists()
    score = KimScore.objects.get(kim=activity.a.kim, year=YEAR)  # recomputed on commit
    assert score.points == 28 + 3 * 8 and score.level == "maju"
    # Another kabupaten's admin or a member cannot change them.
    client.force_login(activity.a.owner)
    assert client.get("/kelola/literasi/bobot/").status_code == 403


def test_public_pages_show_level_score_and_ranking(client, activity):
    call_command("compute_kim_scores", year=YEAR, stdout=io.StringIO())
    kim = activity.a.kim
    profile = client.get(f"/kim/{kim.slug}/profil/").content.decode()
    assert "Pemula" in profile
    # The levels are the kabupaten's own scheme, named as such, with the weights it uses.
    assert f"Tingkat perkembangan (skema {kim.kabupaten.name})" in profile
    assert "Berita terbit: 2 poin per kegiatan" in profile
    assert "Mandiri mulai 250 poin" in profile
    explained = client.get(f"/literasi/skor/{kim.slug}/{YEAR}/").content.decode()
    assert "Berita terbit" in explained and "Jangkauan" in explained and "28" in explained
    ranking = client.get(f"/literasi/peringkat/61.07/{YEAR}/")
    assert ranking.status_code == 200 and kim.name in ranking.content.decode()
    assert client.get(f"/literasi/peringkat/99.99/{YEAR}/").status_code == 404
    assert client.get(f"/literasi/skor/{kim.slug}/{YEAR - 5}/").status_code == 404


def test_inactive_member_logins_from_other_years_do_not_count(two_tenants):
    a = two_tenants.a
    a.owner.last_login = timezone.now() - datetime.timedelta(days=800)
    a.owner.save(update_fields=["last_login"])
    ghost = UserFactory(last_login=timezone.now())
    KimMembershipFactory(kim=a.kim, user=ghost, is_active=False)
    values = scoring.component_values([a.kim.pk], YEAR)
    assert values["members_active"].get(a.kim.pk, 0) == 0


def test_weights_service_refuses_other_kabupaten(two_tenants):
    admin = UserFactory()
    MembershipFactory(user=admin, role=Role.KABUPATEN_ADMIN, region=region_chain("61.04"))
    with pytest.raises(Exception, match="tidak mengelola"):
        services.score_weights_save(
            actor=admin,
            kabupaten=region_chain("61.07"),
            data={f: 1 for f in services.WEIGHT_FIELDS}
            | {"level_berkembang": 1, "level_maju": 2, "level_mandiri": 3},
        )
    assert not ScoreWeights.objects.exists()


def test_reach_points_are_capped_at_what_the_first_level_needs(activity):
    """Reach is counted by visits from anywhere: alone it lifts a KIM to Berkembang at
    most, however many views it is shown (here a million, which would make it Mandiri)."""
    kim = activity.a.kim
    Delivery.objects.filter(kim=kim).update(view_count=1_000_000)
    score = {r.kim_id: r for r in scoring.compute_kabupaten("61.07", YEAR)}[kim.pk]
    assert score.reach == 1_000_060  # the figure itself is shown as counted
    # 28 points without reach's 3, plus reach capped at level_berkembang (40)
    assert score.points == 25 + 40 and score.level == "berkembang"
    lines = {line.component.key: line for line in score_rules.explain(score)}
    assert (lines["reach"].value, lines["reach"].points) == (1_000_060, 40)
    assert sum(line.points for line in lines.values()) == score.points

    # The cap follows the kabupaten's own levels, whatever weight reach is given.
    ScoreWeights.objects.create(
        kabupaten_id="61.07", reach=50, level_berkembang=30, level_maju=60, level_mandiri=90
    )
    score = {r.kim_id: r for r in scoring.compute_kabupaten("61.07", YEAR)}[kim.pk]
    assert score.points == 25 + 30 and score.level == "berkembang"
    # Below the cap reach counts as before: 3 units of 100 at 5 points each.
    Delivery.objects.filter(kim=kim).update(view_count=250)
    ScoreWeights.objects.filter(kabupaten_id="61.07").update(reach=5)
    score = {r.kim_id: r for r in scoring.compute_kabupaten("61.07", YEAR)}[kim.pk]
    assert score.points == 25 + 15

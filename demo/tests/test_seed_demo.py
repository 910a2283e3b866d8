import pyotp
from django.core.management import call_command

from accounts.models import User
from demo.data import DEMO_PASSWORD, DEMO_TOTP_SECRET, PEOPLE
from organisations.models import Accreditation, Organisation
from organisations.roles import Role


def test_the_demo_region_has_every_role_and_about_25_organisations(db):
    call_command("seed_demo")
    assert 25 <= Organisation.objects.count() <= 30
    assert Organisation.objects.of_kind("local_authority").count() == 7
    roles = set(User.objects.values_list("memberships__role", flat=True))
    assert roles == set(Role.values)
    statuses = {a.status() for a in Accreditation.objects.all()}
    assert statuses == {"valid", "expiring", "expired"}


def test_seeding_twice_changes_nothing(db):
    call_command("seed_demo")
    counts = (Organisation.objects.count(), User.objects.count(), Accreditation.objects.count())
    call_command("seed_demo")
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        Accreditation.objects.count(),
    ) == counts


def test_if_empty_leaves_an_existing_database_alone(personas, capsys):
    call_command("seed_demo", "--if-empty")
    assert not User.objects.filter(email=PEOPLE[0][0]).exists()


def test_scale_adds_more_organisations_deterministically(db, monkeypatch):
    import demo.referrals
    import demo.volume

    # The referral and device volume at scale 2 is for benchmarks; a few hundred show the same.
    monkeypatch.setattr(demo.referrals, "VOLUME", 400)
    monkeypatch.setattr(demo.volume, "VOLUME", 400)
    monkeypatch.setattr(demo.referrals, "VOLUME_LADYWOOD", 100)
    call_command("seed_demo", "--scale", "2")
    first = sorted(Organisation.objects.values_list("name", flat=True))
    assert len(first) >= 50
    call_command("seed_demo", "--scale", "2")
    assert sorted(Organisation.objects.values_list("name", flat=True)) == first


def test_every_demo_login_signs_in(client, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo")
    for email, _name, _memberships, two_factor in PEOPLE:
        client.logout()
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        expected = "/accounts/2fa/authenticate/" if two_factor else "/home/"
        assert response["Location"] == expected, email


def test_demo_otp_prints_the_current_code(db, capsys):
    call_command("demo_otp", "coordinator@rehome.example")
    assert capsys.readouterr().out.strip() == pyotp.TOTP(DEMO_TOTP_SECRET).now()


def test_demo_devices_have_an_intact_custody_history(db):
    from custody.ledger import verify
    from demo.services import demo_seed
    from devices.lifecycle import State
    from devices.models import Device

    demo_seed()
    states = set(Device.objects.values_list("state", flat=True))
    assert {State.PLEDGED, State.RECEIVED, State.ERASED, State.READY, State.RECYCLED} <= states
    assert Device.objects.filter(in_transit_to__isnull=False).count() == 1
    result = verify()
    assert result.intact
    assert result.checkpoints == 1
    assert demo_seed()["devices"] == 0  # idempotent

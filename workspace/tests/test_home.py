import pytest

from conftest import make_user


@pytest.mark.parametrize(
    ("persona", "heading", "nav_has", "nav_lacks"),
    [
        ("coordinator", "Regional overview", ["Organisations", "Reference data", "API tokens"], []),
        ("council_officer", "Birmingham", ["Organisations"], ["Reference data", "API tokens"]),
        ("alice", "Welcome, Alice", ["Team", "API tokens"], ["Organisations", "Reference data"]),
        ("bob", "Welcome, Bob", ["Team"], ["API tokens", "Organisations"]),
        ("donor", "Welcome, Dana", ["Your organisation"], ["Organisations"]),
        ("technician", "Welcome, Tariq", ["Your organisation"], ["Organisations"]),
    ],
)
def test_each_role_lands_on_its_own_home(client, personas, persona, heading, nav_has, nav_lacks):
    client.force_login(getattr(personas, persona))
    response = client.get("/home/")
    assert response.status_code == 200
    assert heading in response.content.decode()
    labels = [item.label for item in response.context["navigation"]]
    for label in nav_has:
        assert label in labels
    for label in nav_lacks:
        assert label not in labels


def test_the_coordinator_is_warned_about_expiring_accreditations(client, personas):
    import datetime

    from django.utils import timezone

    from organisations.services import accreditation_add

    accreditation_add(
        organisation=personas.itad_org,
        scheme="iso27001",
        number="IS 999",
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    client.force_login(personas.coordinator)
    content = client.get("/home/").content.decode()
    assert "IS 999" in content
    assert "Expires soon" in content
    assert "ADISA-1" not in content  # valid for 300 more days


def test_a_donor_sees_accredited_partners_serving_their_area(client, personas):
    client.force_login(personas.donor)
    content = client.get("/home/").content.decode()
    assert "Forge Tech Reuse" in content


def test_someone_with_no_organisation_is_told_how_to_join(client, db):
    client.force_login(make_user("loner@example.org", "Lone Person"))
    response = client.get("/home/")
    assert "You are not part of an organisation yet" in response.content.decode()


def test_only_the_best_matching_navigation_item_is_active(client, personas):
    client.force_login(personas.alice)
    response = client.get("/organisation/team/")
    active = [item.label for item in response.context["navigation"] if item.active]
    assert active == ["Team"]

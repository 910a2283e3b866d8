from organisations.memberships import SESSION_KEY
from organisations.services import membership_create


def test_it_shows_the_team_of_the_active_organisation(client, personas):
    client.force_login(personas.bob)
    response = client.get("/organisation/team/")
    assert response.status_code == 200
    assert b"alice@example.org" in response.content
    assert b"charlie@example.org" not in response.content
    assert b"Send invitation" not in response.content  # bob is not an admin


def test_it_switches_the_active_organisation(client, personas):
    second = membership_create(
        user=personas.charlie, organisation=personas.ladywood, role="vcse_worker"
    )
    client.force_login(personas.charlie)
    response = client.post("/organisation/switch/", {"membership": second.pk})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == second.pk
    assert b"Ladywood Community Hub" in client.get("/organisation/").content


def test_it_refuses_to_switch_to_someone_elses_membership(client, personas):
    alices = personas.membership(personas.alice)
    client.force_login(personas.charlie)
    response = client.post("/organisation/switch/", {"membership": alices.pk})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_the_organisation_list_is_scoped_for_a_council_officer(client, personas):
    client.force_login(personas.council_officer)
    response = client.get("/organisations/")
    assert b"Ladywood Community Hub" in response.content
    assert b"Tipton Together" not in response.content
    assert client.get(f"/organisations/{personas.tipton.slug}/").status_code == 404


def test_the_organisation_list_filters_by_kind_and_area(client, personas):
    client.force_login(personas.coordinator)
    response = client.get("/organisations/", {"kind": "vcse", "area": "sandwell"})
    assert b"Tipton Together" in response.content
    assert b"Ladywood Community Hub" not in response.content


def test_the_invite_form_offers_roles_as_radio_buttons(client, personas):
    client.force_login(personas.alice)
    content = client.get("/organisation/team/").content.decode()
    assert 'class="govuk-radios__input"' in content
    assert 'type="radio"' in content

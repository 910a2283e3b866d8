from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Old IT, connected people"),
        ("/region/", "About West Midlands"),
        ("/get-help/", "Get help getting online"),
        ("/donate/", "Donate devices"),
        ("/impact/", "Our impact"),
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
    ],
)
def test_public_pages_open_without_signing_in(client, personas, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    assert f">{heading}</h1>".encode() in response.content


def test_public_pages_carry_the_data_attribution(client, region):
    content = client.get("/").content.decode()
    assert "Open Government Licence v3.0" in content
    assert "The Restart Project" in content


def test_the_service_name_comes_from_the_region(client, region):
    region.service_name = "Rehome Northshire"
    region.save()
    assert b"Rehome Northshire" in client.get("/").content


def test_the_region_page_draws_the_areas_map_beside_its_table(client, region):
    content = client.get("/region/").content.decode()
    assert content.count('class="rehome-map__area"') == 7
    assert "Birmingham" in content
    assert "1,157,603" in content


def test_get_help_lists_community_organisations_by_area(client, personas, areas):
    def found(area):
        return client.get("/get-help/", {"area": areas[area].pk, "need": "device"}).content.decode()

    birmingham = found("Birmingham")
    assert "Ladywood Community Hub" in birmingham
    assert "Tipton Together" not in birmingham  # it works in Sandwell
    assert "Forge Tech Reuse" not in birmingham  # partners are not where people ask for help
    assert "Tipton Together" in found("Sandwell")


def test_donate_lists_only_partners_with_a_current_accreditation(client, personas):
    from organisations.services import organisation_create

    organisation_create(region=personas.region, name="Lapsed Recyclers", kinds=["itad"])
    content = client.get("/donate/").content.decode()
    assert "Forge Tech Reuse" in content
    assert "Lapsed Recyclers" not in content


def test_healthz_reports_a_working_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(client, db):
    with mock.patch("public.views.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_the_home_page_works_before_any_region_is_loaded(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Rehome" in response.content


def test_a_missing_page_is_explained_in_the_service_layout(client, region):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b'id="main-content"' in response.content


def test_the_sign_in_page_does_not_offer_open_sign_up(client, region):
    content = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in content
    assert "invite you" in content

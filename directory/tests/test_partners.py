"""The partner finder: accredited ITAD and refurbishment partners by area, with each
accreditation's scheme, number and validity, for donors."""

import datetime

from django.urls import reverse
from django.utils import timezone

from organisations.services import accreditation_add, organisation_create

FINDER = reverse("directory:partners")


def test_donors_find_accredited_partners_by_area_with_their_accreditations(client, personas):
    response = client.get(FINDER)
    content = response.content.decode()
    assert "Forge Tech Reuse" in content
    assert "ADISA ICT Asset Recovery Standard" in content
    assert "ADISA-1" in content
    assert "Valid" in content
    groups = {g.area.name: [p.name for p in g.partners] for g in response.context["groups"]}
    assert groups["Birmingham"] == ["Forge Tech Reuse"]
    assert groups["Sandwell"] == []


def test_the_finder_narrows_to_one_area(client, personas, areas):
    response = client.get(FINDER, {"area": areas["Solihull"].slug})
    assert [g.area.name for g in response.context["groups"]] == ["Solihull"]
    assert "Forge Tech Reuse" in response.content.decode()


def test_a_partner_whose_accreditations_have_all_lapsed_is_not_listed(client, personas, areas):
    lapsed = organisation_create(
        region=personas.region, name="Lapsed Ltd", kinds=["itad"], areas_served=[areas["Dudley"]]
    )
    accreditation_add(
        organisation=lapsed,
        scheme="iso27001",
        number="ISO-OLD",
        valid_from=timezone.localdate() - datetime.timedelta(days=800),
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert "Lapsed Ltd" not in client.get(FINDER).content.decode()


def test_an_unknown_area_is_refused_clearly(client, personas):
    content = client.get(FINDER, {"area": "atlantis"}).content.decode()
    assert "There is a problem" in content


def test_the_donate_page_links_to_the_finder(client, personas):
    assert FINDER in client.get(reverse("public:donate")).content.decode()

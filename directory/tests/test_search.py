"""The public directory: search by area, type, audience and keyword; results as a list and on
the areas map; each entry's own page."""

from django.urls import reverse

from directory import services
from directory.models import Service, ServiceKind

from .conftest import make_entry

SEARCH = reverse("directory:search")


def _names(response) -> list[str]:
    return [service.name for service in response.context["page"]]


def test_anyone_can_search_the_published_directory(client, publish):
    publish()
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert _names(response) == ["Ladywood Repair Café"]


def test_the_search_narrows_by_area(client, publish, personas, areas):
    publish()
    publish(
        organisation=personas.tipton,
        actor=personas.charlie,
        name="Tipton Tech Drop-in",
        kind=ServiceKind.DROP_IN,
        area_codes=[areas["Sandwell"].code],
    )
    response = client.get(SEARCH, {"area": areas["Sandwell"].slug})
    assert _names(response) == ["Tipton Tech Drop-in"]
    assert "in Sandwell" in response.content.decode()


def test_the_search_narrows_by_type_of_service(client, publish):
    publish()
    publish(name="Free data SIMs", kind=ServiceKind.CONNECTIVITY)
    response = client.get(SEARCH, {"kind": ServiceKind.CONNECTIVITY})
    assert _names(response) == ["Free data SIMs"]


def test_the_search_narrows_by_audience_and_entries_for_anyone_count_for_everyone(client, publish):
    publish(name="Open repair café", audiences=["everyone"])
    publish(name="Silver surfers", kind=ServiceKind.COURSE, audiences=["older_people"])
    publish(name="Homework club", kind=ServiceKind.COURSE, audiences=["young_people"])
    response = client.get(SEARCH, {"audience": "older_people"})
    assert _names(response) == ["Open repair café", "Silver surfers"]


def test_every_keyword_must_match_name_description_or_organisation(client, publish):
    publish()
    publish(name="Free data SIMs", kind=ServiceKind.CONNECTIVITY, description="Six months.")
    assert _names(client.get(SEARCH, {"q": "laptops"})) == ["Ladywood Repair Café"]
    assert _names(client.get(SEARCH, {"q": "ladywood sims"})) == ["Free data SIMs"]
    assert _names(client.get(SEARCH, {"q": "ladywood nothing-like-this"})) == []


def test_an_unknown_filter_is_refused_with_a_clear_error(client, publish, areas):
    publish()
    response = client.get(SEARCH, {"kind": "teleportation", "area": "atlantis"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Select a valid choice" in content
    assert _names(response) == []


def test_the_map_and_its_table_count_results_per_area(client, publish, areas):
    publish(area_codes=[areas["Birmingham"].code, areas["Solihull"].code])
    publish(name="Solihull drop-in", kind=ServiceKind.DROP_IN, area_codes=[areas["Solihull"].code])
    response = client.get(SEARCH)
    values = response.context["map_values"]
    assert values[areas["Solihull"].code] == 2
    assert values[areas["Birmingham"].code] == 1
    assert values[areas["Coventry"].code] == 0
    content = response.content.decode()
    assert 'class="rehome-map"' in content
    assert "Directory results by area" in content


def test_htmx_gets_only_the_results(client, publish):
    publish()
    response = client.get(SEARCH, {"q": "repair"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert 'id="directory-results"' in content
    assert "<html" not in content


def test_htmx_loads_the_whole_page_to_show_a_search_error(client, publish):
    response = client.get(SEARCH, {"kind": "teleportation"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == f"{SEARCH}?kind=teleportation"


def test_a_change_waiting_for_approval_never_shows_in_the_directory(
    client, publish, personas, areas
):
    live = publish()
    services.service_propose(
        organisation=personas.ladywood,
        actor=personas.alice,
        entry=make_entry(areas, name="Secret new name", description="Not yet checked."),
        service=live,
    )
    services.service_propose(
        organisation=personas.ladywood,
        actor=personas.alice,
        entry=make_entry(areas, name="Brand new entry"),
    )
    content = client.get(SEARCH).content.decode()
    assert "Ladywood Repair Café" in content
    assert "Secret new name" not in content
    assert "Brand new entry" not in content
    detail = client.get(live.get_absolute_url()).content.decode()
    assert "Secret new name" not in detail


def test_an_entry_page_shows_contact_opening_times_eligibility_and_how_to_get_referred(
    client, publish
):
    service = publish()
    content = client.get(service.get_absolute_url()).content.decode()
    for text in (
        "Ladywood Repair Café",
        "repair@ladywood.example",
        "0121 000 0001",
        "First Saturday of the month, 10am to 1pm",
        "Anyone living in Birmingham.",
        "Just turn up with the broken device.",
        "Ladywood Community Hub",
    ):
        assert text in content


def test_a_withdrawn_entry_has_no_public_page(client, publish, personas):
    service = publish()
    services.service_withdraw(service, actor=personas.alice)
    assert client.get(service.get_absolute_url()).status_code == 404
    assert _names(client.get(SEARCH)) == []


def test_get_help_links_each_service_to_its_directory_page(client, publish, areas):
    service = publish(name="Tech help drop-in", kind=ServiceKind.DROP_IN)
    content = client.get(
        reverse("public:get_help"), {"area": areas["Birmingham"].pk, "need": "skills"}
    ).content.decode()
    assert f'href="{service.get_absolute_url()}"' in content
    assert Service.objects.published().count() == 1

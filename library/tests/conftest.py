import pytest

from library import services

BODY = """## What we did

We set up a drop-off point for old laptops.

- It was open every weekday.
- Staff sealed each device in a bag.
"""


def make_draft(**overrides) -> services.Draft:
    values = {
        "kind": "case_study",
        "title": "Laptops through the library",
        "summary": "A drop-off point for unwanted laptops in every branch library.",
        "body": BODY,
        "themes": ["device_donation"],
        "outcomes": "418 devices donated",
    }
    values.update(overrides)
    return services.Draft(**values)


@pytest.fixture
def write(personas, areas):
    """Write a draft for Ladywood Community Hub (Alice), or for whoever is given."""

    def make(organisation=None, actor=None, area_names=("Birmingham",), **overrides):
        overrides.setdefault("areas", [areas[name] for name in area_names])
        return services.page_create(
            organisation=organisation or personas.ladywood,
            actor=actor or personas.alice,
            draft=make_draft(**overrides),
        )

    return make


@pytest.fixture
def publish(personas, write):
    """Write, submit and publish a page (the coordinator publishes it)."""

    def make(organisation=None, actor=None, **overrides):
        organisation = organisation or personas.ladywood
        actor = actor or personas.alice
        page = write(organisation=organisation, actor=actor, **overrides)
        services.page_submit(page, actor=actor, organisation=organisation)
        return services.page_publish(page, actor=personas.coordinator, organisation=personas.wmca)

    return make


@pytest.fixture
def in_review(personas, write):
    page = write(title="A page waiting for review")
    return services.page_submit(page, actor=personas.alice, organisation=personas.ladywood)

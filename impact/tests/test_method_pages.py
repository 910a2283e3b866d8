"""The public method pages, and the coordinator's pages for versions of the method."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from impact import services
from impact.models import CATEGORY_CHOICES, MethodFrozen, MethodVersion, PublishedReport
from impact.views import ADOPTED, CREATED
from lib import impact

METHODS = reverse("impact:methods")
NEW = reverse("impact:method_new")


def _form_data(**overrides) -> dict:
    data = {
        "version": "2027.1",
        "name": "Boavizta manufacturer medians",
        "displacement": "0.5",
        "sources": "Boavizta, CC BY-SA 4.0",
        "notes": "Laptops from Boavizta.",
    }
    for category, _ in CATEGORY_CHOICES:
        data[f"{category}__embodied_kg_co2e"] = "236.00"
        data[f"{category}__weight_kg"] = "1.50"
        data[f"{category}__source_label"] = "Boavizta"
    data.update(overrides)
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def coordinator(client, personas):
    client.force_login(personas.coordinator)
    return client


@pytest.fixture
def draft(personas):
    current = MethodVersion.objects.current(personas.region)
    change = services.change_from(current)
    change.version = "2.0-draft"
    return services.method_version_create(
        region=personas.region, actor=personas.coordinator, change=change
    )


# ---------------------------------------------------------------------------------------------
# In public.


def test_the_method_page_explains_the_calculation_and_lists_the_factors(client, region):
    response = client.get(reverse("impact:method"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "displacement" in html
    assert "under 13 inches" in html
    assert "over 15.6 inches" in html
    assert "not recorded counts as <strong>medium</strong>" in html
    assert "“other”" in html
    # The Restart Project's factors, their source labels and what one device avoids (half the footprint).
    assert "221.15" in html
    assert "Laptop small" in html
    assert "110.58" in html
    assert "CC BY-SA 4.0" in html
    assert "The Restart Project" in html
    assert reverse("impact:method_version", args=["1"]) in html


def test_the_method_page_lists_adopted_versions_but_not_drafts(client, draft):
    html = client.get(reverse("impact:method")).content.decode()
    assert "Version 1" in html
    assert "2.0-draft" not in html


def test_each_adopted_version_has_its_own_page(client, draft, personas):
    services.method_adopt(draft, actor=personas.coordinator)
    response = client.get(reverse("impact:method_version", args=["2.0-draft"]))
    assert response.status_code == 200
    assert "In use" in response.content.decode()
    old = client.get(reverse("impact:method_version", args=["1"])).content.decode()
    assert "A later version is now in use" in old


def test_a_draft_has_no_public_page(client, draft):
    response = client.get(reverse("impact:method_version", args=["2.0-draft"]))
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# The coordinator's versions.


def test_a_new_version_starts_from_the_one_in_use(coordinator):
    form = coordinator.get(NEW).context["form"]
    assert form.initial["version"] == ""
    assert form.initial["displacement"] == Decimal("0.500")
    assert form.initial[f"{impact.LAPTOP_SMALL}__embodied_kg_co2e"] == Decimal("221.15")
    assert form.initial[f"{impact.SMARTPHONE}__source_label"] == "Mobile"


def test_creating_a_version_saves_a_draft_that_changes_no_figure(coordinator, personas):
    response = coordinator.post(NEW, _form_data())
    assert response.status_code == 302
    assert _messages(response) == [CREATED.format(version="2027.1")]
    created = MethodVersion.objects.get(version="2027.1")
    assert created.adopted_at is None
    assert created.created_by == personas.coordinator
    assert created.factors.get(category=impact.TABLET).embodied_kg_co2e == Decimal("236.00")
    assert MethodVersion.objects.current(personas.region).version == "1"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("version", "", "This field is required."),
        ("version", "2027/1", "letters, digits, dots and hyphens"),
        ("version", "1", "There is already a version 1."),
        ("displacement", "1.5", "less than or equal to 1"),
        ("displacement", "0", "greater than or equal to 0.001"),
        (f"{impact.TABLET}__embodied_kg_co2e", "0", "must be above 0 kg"),
        (f"{impact.TABLET}__weight_kg", "heavy", "must be a number"),
        (f"{impact.DESKTOP}__weight_kg", "", "Give the weight of"),
        ("sources", "", "This field is required."),
    ],
)
def test_the_form_refuses_what_is_not_valid(coordinator, field, value, message):
    response = coordinator.post(NEW, _form_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MethodVersion.objects.filter(version="2027.1").exists()


def test_a_draft_can_be_edited_then_adopted(coordinator, draft, personas):
    edit = reverse("impact:method_edit", args=[draft.version])
    assert coordinator.get(edit).context["form"].initial["version"] == "2.0-draft"
    response = coordinator.post(edit, _form_data(version="2.0"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == "2.0"
    assert draft.factors.get(category=impact.LAPTOP_LARGE).weight_kg == Decimal("1.50")
    response = coordinator.post(reverse("impact:method_adopt", args=["2.0"]))
    assert _messages(response)[-1] == ADOPTED.format(version="2.0")
    assert MethodVersion.objects.current(personas.region).version == "2.0"


def test_an_adopted_version_refuses_edits_with_the_services_message(coordinator, personas):
    edit = reverse("impact:method_edit", args=["1"])
    expected = services.ADOPTED_IS_FINAL.format(version="1")
    response = coordinator.get(edit)
    assert response.status_code == 302
    assert _messages(response) == [expected]
    response = coordinator.post(edit, _form_data(version="1"), follow=True)
    assert expected in response.content.decode()
    factor = MethodVersion.objects.get(version="1").factors.get(category=impact.TABLET)
    assert factor.embodied_kg_co2e == Decimal("114.49")


def test_a_version_a_published_report_used_refuses_edits(coordinator, draft, personas):
    PublishedReport.objects.create(
        region=personas.region,
        kind="snapshot",
        title="2026",
        period_start="2026-01-01",
        period_end="2026-12-31",
        method=draft,
        figures={},
        published_at=timezone.now(),
    )
    edit = reverse("impact:method_edit", args=[draft.version])
    response = coordinator.post(edit, _form_data(version=draft.version), follow=True)
    assert MethodFrozen.MESSAGE.format(version=draft.version) in response.content.decode()
    assert draft.factors.get(category=impact.TABLET).embodied_kg_co2e == Decimal("114.49")


def test_the_versions_page_lists_drafts_and_the_version_in_use(coordinator, draft):
    html = coordinator.get(METHODS).content.decode()
    assert "2.0-draft" in html
    assert "Draft" in html
    assert "In use" in html
    assert reverse("impact:method_edit", args=["2.0-draft"]) in html


@pytest.mark.parametrize("who", ["charlie", "council_officer", "donor", "technician", "alice"])
def test_only_the_coordinator_may_manage_versions(client, personas, draft, who):
    client.force_login(getattr(personas, who))
    for url in (METHODS, NEW, reverse("impact:method_edit", args=[draft.version])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("impact:method_adopt", args=[draft.version])).status_code == 403
    assert client.post(NEW, _form_data()).status_code == 403
    draft.refresh_from_db()
    assert draft.adopted_at is None
    assert not MethodVersion.objects.filter(version="2027.1").exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, draft):
    response = client.get(METHODS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

"""The public estimator: works without JavaScript, answers htmx with the part that changes."""

from django.urls import reverse

from lib import opportunity as estimator

URL = reverse("opportunity:estimator")


def test_anyone_sees_the_west_midlands_snapshot_first(client, region):
    page = client.get(URL).content.decode()
    assert '<h1 class="govuk-heading-xl">Estimate the devices employers could give</h1>' in page
    assert "131,328" in page
    assert "37,822" in page
    assert "calibrated to the West Midlands snapshot" in page
    assert 'role="img"' in page
    assert "The estimate in numbers" in page
    for text in estimator.EXPLANATIONS.values():
        assert text in page


def test_the_form_works_without_javascript(client, region):
    response = client.get(
        URL,
        {
            "employees": "1000",
            "years": "6",
            "devices_per_employee": "2",
            "refresh_years": "3",
            "share_released": "0.5",
            "share_reusable": "0.25",
        },
    )
    page = response.content.decode()
    assert "<html" in page
    assert "1,000 employees over 6 years" in page
    assert "<strong>2,000</strong> devices available, <strong>500</strong> rehomed" in page


def test_htmx_gets_only_the_form_and_results(client, region):
    response = client.get(
        URL,
        {**estimator.CENTRAL.as_dict(), "employees": "500", "years": "4"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="estimator"')
    assert "500 employees over 4 years" in page
    # Screen readers hear the new figures through the page's live region, updated out of band.
    assert '<div id="estimate-status" hx-swap-oob="innerHTML">Estimate updated: about 274' in page


def test_bad_numbers_are_explained_beside_their_fields(client, region):
    response = client.get(
        URL,
        {
            "employees": "-4",
            "years": "4",
            "devices_per_employee": "1.2",
            "refresh_years": "0",
            "share_released": "1.5",
            "share_reusable": "abc",
        },
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert estimator.NEGATIVE.format(label="Employees") in page
    assert estimator.NOT_POSITIVE.format(label="Refresh cycle (years)") in page
    assert "Share released must be between 0 and 1" in page
    assert "Share reusable and donated (0 to 1) must be a number." in page
    assert "Correct the numbers to see the estimate." in page

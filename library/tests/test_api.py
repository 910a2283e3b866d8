"""The public, read-only library API: published pages only, with an explicit shape."""

import pytest

from library import services

URL = "/api/v1/library/pages"


def test_the_list_is_public_paginated_and_published_only(client, publish, write, in_review):
    page = publish(title="Published scheme")
    write(title="Secret draft")
    response = client.get(URL)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    [item] = data["items"]
    assert item == {
        "slug": page.slug,
        "kind": "case_study",
        "title": "Published scheme",
        "summary": page.summary,
        "organisation": "Ladywood Community Hub",
        "themes": ["device_donation"],
        "areas": ["E08000025"],
        "organisations": [],
        "published_at": item["published_at"],
        "url": f"http://testserver/library/{page.slug}/",
    }


def test_one_page_has_its_markdown_its_safe_html_and_its_outcomes(client, publish):
    page = publish(body="## Steps\n\n<script>alert(1)</script>")
    data = client.get(f"{URL}/{page.slug}").json()
    assert data["body_markdown"] == "## Steps\n\n<script>alert(1)</script>"
    assert data["body_html"].startswith('<h2 class="govuk-heading-m">Steps</h2>')
    assert "<script>" not in data["body_html"]
    assert data["outcomes"] == [{"figure": "418", "label": "devices donated"}]


def test_drafts_pages_in_review_and_withdrawn_pages_answer_404(
    client, personas, write, publish, in_review
):
    withdrawn = services.page_withdraw(
        publish(title="Gone"), actor=personas.alice, organisation=personas.ladywood, reason="Old."
    )
    for page in (write(), in_review, withdrawn):
        response = client.get(f"{URL}/{page.slug}")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("?kind=guidance", ["Guide"]),
        ("?theme=connectivity", ["Tariffs"]),
        ("?area=E08000028", ["Tariffs"]),
        ("?area=sandwell", ["Tariffs"]),
        ("?area=nowhere", []),
        ("?q=broadband", ["Tariffs"]),
    ],
)
def test_the_list_filters_like_the_index(client, personas, publish, query, titles):
    publish(title="Guide", kind="guidance")
    publish(
        organisation=personas.tipton,
        actor=personas.charlie,
        title="Tariffs",
        body="We ask about broadband.",
        themes=["connectivity"],
        area_names=["Sandwell"],
    )
    items = client.get(URL + query).json()["items"]
    assert [item["title"] for item in items] == titles


def test_an_unknown_kind_or_theme_is_a_clear_422(client):
    response = client.get(URL + "?theme=astrology")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "theme"


def test_the_openapi_document_describes_both_operations_as_public(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/library/pages", "/api/v1/library/pages/{slug}"):
        operation = schema["paths"][path]["get"]
        assert not operation.get("security")
    detail = schema["paths"]["/api/v1/library/pages/{slug}"]["get"]["responses"]
    assert set(detail) >= {"200", "404"}

"""Markdown becomes safe HTML: nothing a writer types can run script or restyle the site."""

from html.parser import HTMLParser

import pytest

from library.content import (
    OUTCOME_FORMAT,
    TAGS,
    Outcome,
    OutcomeError,
    parse_outcomes,
    render_markdown,
)


class _Markup(HTMLParser):
    """The elements and attributes of an HTML fragment, as a browser would see them."""

    def __init__(self, html):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def markup(html) -> list[tuple[str, dict]]:
    return _Markup(html).elements


HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="https://example.org" onclick="steal()">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[click](vbscript:msgbox(1))",
    '<iframe src="https://example.org"></iframe>',
    '<div style="position:fixed">cover</div>',
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_raw_html_scripts_event_attributes_and_dangerous_links_never_survive(text):
    html = render_markdown(f"Before\n\n{text}\n\nAfter")
    for tag, attributes in markup(html):
        assert tag in TAGS
        assert not [name for name in attributes if name.startswith("on") or name == "style"]
        assert attributes.get("href", "https:").lower().startswith(("https:", "http:", "/"))
    assert "Before" in html
    assert "After" in html


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<b>bold</b>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert [tag for tag, _ in markup(html)] == ["p"]


def test_markdown_becomes_govuk_markup_with_h2_as_the_top_heading():
    html = render_markdown(
        "# Top\n\n## Also top\n\n### Next\n\nSome **strong** text.\n\n- one\n- two\n\n1. first"
    )
    assert '<h2 class="govuk-heading-m">Top</h2>' in html
    assert '<h2 class="govuk-heading-m">Also top</h2>' in html
    assert '<h3 class="govuk-heading-s">Next</h3>' in html
    assert "<h1" not in html
    assert '<p class="govuk-body">Some <strong>strong</strong> text.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<ol class="govuk-list govuk-list--number">' in html


def test_web_links_are_kept_with_a_safe_rel_and_images_become_links():
    html = render_markdown(
        "[Our site](https://example.org/about) and ![a photo](https://e.org/p.png)"
    )
    assert 'href="https://example.org/about"' in html
    assert 'rel="noopener noreferrer"' in html
    assert 'class="govuk-link"' in html
    assert "<img" not in html
    assert 'href="https://e.org/p.png"' in html


def test_tables_get_govuk_classes_and_header_scope():
    html = render_markdown("| Week | Focus |\n|---|---|\n| 1 | Grading |")
    assert '<table class="govuk-table">' in html
    assert '<th class="govuk-table__header" scope="col">Week</th>' in html
    assert '<td class="govuk-table__cell">Grading</td>' in html


def test_a_writer_cannot_add_their_own_classes():
    html = render_markdown('<p class="govuk-visually-hidden">hidden</p>')
    assert markup(html) == [("p", {"class": "govuk-body"})]


def test_outcome_lines_are_a_figure_then_what_it_counts():
    text = "312 laptops rehomed\n\n  85%   still using them \n£14 saved a month"
    assert parse_outcomes(text) == [
        Outcome("312", "laptops rehomed"),
        Outcome("85%", "still using them"),
        Outcome("£14", "saved a month"),
    ]
    assert parse_outcomes("") == []


@pytest.mark.parametrize("text", ["laptops rehomed", "312", "many people helped"])
def test_an_outcome_without_a_figure_and_a_label_is_refused(text):
    with pytest.raises(OutcomeError, match="Start each line with the figure"):
        parse_outcomes(text)
    assert "312 laptops rehomed" in OUTCOME_FORMAT


def test_at_most_six_outcomes():
    with pytest.raises(OutcomeError, match="at most 6"):
        parse_outcomes("\n".join(f"{n} things" for n in range(7)))

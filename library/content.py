"""A library page's text as plain data: Markdown made into safe HTML, and outcome lines parsed.

Plain Python, no Django, so it is quick to test. Markdown is rendered with raw HTML turned off
(markdown-it-py), then the HTML is sanitised again with nh3 against a short allow-list of tags,
attributes, classes and link schemes. Either step alone would stop a `<script>`; both together
mean a gap in one is not a hole in the page.
"""

from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

# The page's title is its h1, so a Markdown "# Heading" becomes an h2 like "## Heading".
TOP_HEADING = 2

# GOV.UK Frontend classes for the tags Markdown makes, so a page reads like the rest of the site.
CLASSES = {
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "h5": "govuk-heading-s",
    "h6": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
}
TAGS = {*CLASSES, "li", "strong", "em", "code", "pre", "br", "s"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
_markdown.enable(["table", "strikethrough"])
# Images are not part of a page (no hosting, no tracking pixels): `![text](url)` stays a link.
_markdown.disable("image")


def render_markdown(text: str) -> str:
    """Safe HTML for `text`: no raw HTML, scripts, event attributes, styles, images or
    non-http(s) links survive; the top heading level is h2; GOV.UK classes are added."""
    tokens = _markdown.parse(text or "")
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{max(int(token.tag[1]), TOP_HEADING)}"
        if token.nesting == 1 and token.tag in CLASSES:
            token.attrSet("class", CLASSES[token.tag])
        if token.type == "th_open":
            token.attrSet("scope", "col")
        for child in token.children or ():
            if child.type == "link_open":
                child.attrSet("class", CLASSES["a"])
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        allowed_classes={tag: set(classes.split()) for tag, classes in CLASSES.items()},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


@dataclass(frozen=True)
class Outcome:
    figure: str
    label: str


MAX_OUTCOMES = 6
OUTCOME_FORMAT = "Start each line with the figure, then say what it counts: “312 laptops rehomed”."


class OutcomeError(ValueError):
    pass


def parse_outcomes(text: str) -> list[Outcome]:
    """One outcome per non-empty line: a figure (a number, perhaps with %, £ or a comma) then
    what it counts. Raises OutcomeError saying what to change."""
    outcomes = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        figure, _, label = line.partition(" ")
        if not any(c.isdigit() for c in figure) or not label:
            raise OutcomeError(OUTCOME_FORMAT)
        if len(figure) > 20 or len(label) > 120:
            raise OutcomeError("Keep each figure to 20 characters and what it counts to 120.")
        outcomes.append(Outcome(figure, label))
    if len(outcomes) > MAX_OUTCOMES:
        raise OutcomeError(f"Give at most {MAX_OUTCOMES} outcome figures.")
    return outcomes


def outcomes_text(outcomes: list[dict]) -> str:
    """The stored outcomes back as the lines `parse_outcomes` reads (to edit them)."""
    return "\n".join(f"{o['figure']} {o['label']}" for o in outcomes)

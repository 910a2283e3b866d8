"""The one way Rehome turns HTML into a PDF: WeasyPrint, tagged, fetching nothing."""

import weasyprint
from weasyprint.pdf import VARIANTS


def _tagging_options() -> dict:
    """Tagged PDF/UA-1 (structure, title, language) where this WeasyPrint offers it."""
    if "pdf/ua-1" in VARIANTS:
        return {"pdf_variant": "pdf/ua-1"}
    if "pdf_tags" in weasyprint.DEFAULT_OPTIONS:
        return {"pdf_tags": True}
    return {}


PDF_OPTIONS = _tagging_options()


def _fetch_nothing(url: str, *args, **kwargs):
    # Print templates are self-contained; refusing every fetch means no value a user typed
    # can ever make the server request a URL while rendering.
    raise ValueError(f"PDF templates do not load resources ({url}).")


def render_pdf(html: str) -> bytes:
    """A tagged, accessible PDF of a self-contained print template (its CSS inline)."""
    return weasyprint.HTML(string=html, url_fetcher=_fetch_nothing).write_pdf(**PDF_OPTIONS)

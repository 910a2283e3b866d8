"""A known data set for the public dashboard's tests, built through the real services, and a
reader for the tables a page shows (the standard library's HTML parser; no extra dependency)."""

from decimal import Decimal
from html.parser import HTMLParser

from devices.services import recycling_record


def recycle_desktop(lab, personas, *, weight_kg: Decimal):
    """A desktop received and recycled, its media destroyed."""
    desktop = lab.device(state="received", device_type="desktop")
    recycling_record(
        desktop,
        actor=personas.technician,
        organisation=personas.itad_org,
        recycler="Midlands WEEE Ltd",
        reference="WTN-1",
        weight_kg=weight_kg,
        media_destroyed=True,
    )
    return desktop


def build_known(lab, rehome, refer, personas):
    """Five devices rehomed to five people (two in Birmingham, two in Coventry, one in Walsall;
    one of each category but desktop), an erased tablet waiting, a desktop recycled, a pledged
    phone, and one person waiting in Sandwell. All this year."""
    rehome("Birmingham", screen_inches=Decimal("11.6"))
    rehome("Birmingham")  # no screen size recorded: a medium laptop
    rehome("Coventry", screen_inches=Decimal("17.3"))
    rehome("Coventry", device_type="tablet")
    rehome("Walsall", device_type="smartphone")
    lab.device(state="erased", device_type="tablet")
    recycle_desktop(lab, personas, weight_kg=Decimal("7.1"))
    lab.device(device_type="smartphone")
    refer(area="Sandwell")
    return personas


# (221.15 + 265.32 + 414.70 + 114.49 + 50.51) x 0.5, each row rounded to 0.01 kg.
KNOWN_CO2E = 110.58 + 132.66 + 207.35 + 57.25 + 25.26
KNOWN_KG_KEPT = 1.39 + 1.83 + 2.53 + 0.77 + 0.15


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("id") or "").startswith("table-"):
            self._table = self.tables.setdefault(attrs["id"].removeprefix("table-"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """The dashboard's tables by key (their id less "table-"): rows of cell texts, header first."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables

"""Cells safe to open in a spreadsheet: text that Excel, LibreOffice or Sheets would run as a
formula (it starts with =, +, -, @, a tab or a carriage return) is prefixed with an apostrophe,
as OWASP's CSV-injection guidance recommends. Numbers stay numbers.
"""

import csv
import io
from collections.abc import Iterable

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(_TRIGGERS):
        return "'" + text
    return text


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    """A CSV document (UTF-8 text, CRLF line ends) with every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()

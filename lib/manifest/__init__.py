"""Read a donor's asset export (CSV or XLSX) into validated, normalised device rows.

Pure Python, no Django: bytes in, plain data out. `read_table` turns a file into a Table of text
(or raises ManifestError when the file cannot be read at all), `recognise` maps its headers to
Rehome's fields, `apply_overrides` layers the donor's own choices on top, and `validate` returns
a Result with one Item per row and every problem by row and column. `parse_manifest` does all
four. docs/manifest-import.md describes the rules for people.
"""

from lib.manifest.headers import apply_overrides, detect_format, is_personal, recognise
from lib.manifest.model import (
    DEVICE_TYPES,
    FIELD_LABELS,
    FIELD_MAX_CHARS,
    FIELDS,
    IDENTIFIERS,
    Item,
    Limits,
    ManifestError,
    Problem,
    Recognition,
    Result,
    Table,
)
from lib.manifest.read import read_table
from lib.manifest.validation import parse_manifest, validate

__all__ = [
    "DEVICE_TYPES",
    "FIELDS",
    "FIELD_LABELS",
    "FIELD_MAX_CHARS",
    "IDENTIFIERS",
    "Item",
    "Limits",
    "ManifestError",
    "Problem",
    "Recognition",
    "Result",
    "Table",
    "apply_overrides",
    "detect_format",
    "is_personal",
    "parse_manifest",
    "read_table",
    "recognise",
    "validate",
]

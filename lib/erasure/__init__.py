"""Read data-erasure evidence (nwipe/ShredOS logs, Blancco reports, Rehome's generic CSV).

Pure Python, no Django: each parser turns a file's bytes into an `ErasureReport`, or raises
`ErasureParseError` with a message for the person who uploaded it. `parse_evidence` picks the
parser; `classify_method` says which NIST SP 800-88 category a tool's method belongs to.
"""

from lib.erasure.blancco import parse_blancco
from lib.erasure.detect import kind_of, parse_evidence, sha256_hex
from lib.erasure.generic_csv import COLUMNS as CSV_COLUMNS
from lib.erasure.generic_csv import REQUIRED as CSV_REQUIRED_COLUMNS
from lib.erasure.generic_csv import parse_generic_csv
from lib.erasure.model import (
    DRIVE_STATUSES,
    OUTCOMES,
    TOOLS,
    DriveResult,
    ErasureParseError,
    ErasureReport,
)
from lib.erasure.nwipe import parse_nwipe
from lib.erasure.standards import (
    NIST_CATEGORIES,
    STANDARD_CHOICES,
    classify_method,
    standard_choice,
)

__all__ = [
    "CSV_COLUMNS",
    "CSV_REQUIRED_COLUMNS",
    "DRIVE_STATUSES",
    "NIST_CATEGORIES",
    "OUTCOMES",
    "STANDARD_CHOICES",
    "TOOLS",
    "DriveResult",
    "ErasureParseError",
    "ErasureReport",
    "classify_method",
    "kind_of",
    "parse_blancco",
    "parse_evidence",
    "parse_generic_csv",
    "parse_nwipe",
    "sha256_hex",
    "standard_choice",
]

"""Which sanitisation standard a tool's method meets, in NIST SP 800-88 terms.

NIST SP 800-88 sorts sanitisation into three categories: Clear (overwrite through the normal
read/write interface, enough against simple recovery), Purge (firmware or cryptographic erase,
degaussing: enough against laboratory recovery) and Destroy (the medium can no longer be used).
Every software overwrite, however many passes, is Clear. A tool's own method name is kept as the
label when no standard fits better, so nothing is claimed that the tool did not say.
"""

import re

NistCategory = str  # "clear" | "purge" | "destroy"

NIST_CATEGORIES: tuple[str, ...] = ("clear", "purge", "destroy")

# The standards a person may choose when recording an erasure by hand: (value, label).
STANDARD_CHOICES: tuple[tuple[str, str], ...] = (
    ("nist-800-88-clear", "NIST SP 800-88 Clear"),
    ("nist-800-88-purge", "NIST SP 800-88 Purge"),
    ("nist-800-88-destroy", "NIST SP 800-88 Destroy"),
    ("ieee-2883-clear", "IEEE 2883 Clear"),
    ("ieee-2883-purge", "IEEE 2883 Purge"),
    ("ieee-2883-destruct", "IEEE 2883 Destruct"),
    ("hmg-is5-baseline", "HMG IS5 Baseline"),
    ("hmg-is5-enhanced", "HMG IS5 Enhanced"),
    ("dod-5220-22-m", "DoD 5220.22-M"),
    ("other", "Other"),
)

NIST_CLEAR = "NIST SP 800-88 Clear"
NIST_PURGE = "NIST SP 800-88 Purge"
NIST_DESTROY = "NIST SP 800-88 Destroy"
VERIFY_ONLY = "Verification only (not an erasure)"


def _key(text: str) -> str:
    """Lower case, every run of punctuation and spaces made one space: 'DoD 5220.22-M' → 'dod 5220 22 m'."""
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


# nwipe's method labels, as nwipe_method_label() prints them (and the --method names).
_NWIPE: dict[str, tuple[NistCategory | None, str]] = {
    "fill with zeros": ("clear", NIST_CLEAR),
    "zero": ("clear", NIST_CLEAR),
    "quick": ("clear", NIST_CLEAR),
    "fill with ones": ("clear", NIST_CLEAR),
    "one": ("clear", NIST_CLEAR),
    "prng stream": ("clear", NIST_CLEAR),
    "random": ("clear", NIST_CLEAR),
    "dod short": ("clear", "DoD 5220.22-M"),
    "dodshort": ("clear", "DoD 5220.22-M"),
    "dod3pass": ("clear", "DoD 5220.22-M"),
    "dod 5220 22 m": ("clear", "DoD 5220.22-M"),
    "dod522022m": ("clear", "DoD 5220.22-M"),
    "gutmann wipe": ("clear", "Gutmann"),
    "gutmann": ("clear", "Gutmann"),
    "rcmp tssit ops ii": ("clear", "RCMP TSSIT OPS-II"),
    "ops2": ("clear", "RCMP TSSIT OPS-II"),
    "hmg is5 enhanced": ("clear", "HMG IS5 Enhanced"),
    "is5enh": ("clear", "HMG IS5 Enhanced"),
    "bruce schneier 7 pass": ("clear", "Bruce Schneier 7-pass"),
    "bruce7": ("clear", "Bruce Schneier 7-pass"),
    "bmb21 2019": ("clear", "BMB21-2019"),
    "bmb": ("clear", "BMB21-2019"),
    "verify zeros": (None, VERIFY_ONLY),
    "verify zeros 0x00": (None, VERIFY_ONLY),
    "verify zero": (None, VERIFY_ONLY),
    "verify ones": (None, VERIFY_ONLY),
    "verify ones 0xff": (None, VERIFY_ONLY),
    "verify one": (None, VERIFY_ONLY),
}

# Standard names as Blancco reports print them (and common spellings of the same standards).
_NAMED: dict[str, tuple[NistCategory | None, str]] = {
    "nist 800 88 clear": ("clear", NIST_CLEAR),
    "nist sp 800 88 clear": ("clear", NIST_CLEAR),
    "nist 800 88 r1 clear": ("clear", NIST_CLEAR),
    "nist sp 800 88 r1 clear": ("clear", NIST_CLEAR),
    "nist 800 88 purge": ("purge", NIST_PURGE),
    "nist sp 800 88 purge": ("purge", NIST_PURGE),
    "nist 800 88 r1 purge": ("purge", NIST_PURGE),
    "nist sp 800 88 r1 purge": ("purge", NIST_PURGE),
    "nist 800 88 destroy": ("destroy", NIST_DESTROY),
    "nist sp 800 88 destroy": ("destroy", NIST_DESTROY),
    "ieee 2883 clear": ("clear", "IEEE 2883 Clear"),
    "ieee 2883 2022 clear": ("clear", "IEEE 2883 Clear"),
    "ieee 2883 purge": ("purge", "IEEE 2883 Purge"),
    "ieee 2883 2022 purge": ("purge", "IEEE 2883 Purge"),
    "ieee 2883 destruct": ("destroy", "IEEE 2883 Destruct"),
    "ieee 2883 2022 destruct": ("destroy", "IEEE 2883 Destruct"),
    "hmg infosec standard 5 baseline": ("clear", "HMG IS5 Baseline"),
    "hmg infosec standard 5 enhanced": ("clear", "HMG IS5 Enhanced"),
    "hmg is5 baseline": ("clear", "HMG IS5 Baseline"),
    "hmg is5 enhanced": ("clear", "HMG IS5 Enhanced"),
    "us dod 5220 22 m": ("clear", "DoD 5220.22-M"),
    "dod 5220 22 m": ("clear", "DoD 5220.22-M"),
    "us dod 5220 22 m ece": ("clear", "DoD 5220.22-M"),
    "dod 5220 22 m ece": ("clear", "DoD 5220.22-M"),
    "blancco ssd erasure": ("purge", "Blancco SSD Erasure"),
    "cryptographic erasure": ("purge", "Cryptographic Erase"),
    "cryptographic erase": ("purge", "Cryptographic Erase"),
    "crypto erase": ("purge", "Cryptographic Erase"),
    "ata secure erase": ("purge", "ATA Secure Erase"),
    "ata enhanced secure erase": ("purge", "ATA Secure Erase"),
    "nvme format": ("purge", "NVMe Format"),
    "nvme sanitize": ("purge", "NVMe Sanitize"),
    "physical destruction": ("destroy", NIST_DESTROY),
    "shredding": ("destroy", NIST_DESTROY),
    "degaussing": ("purge", "Degauss"),
}


# Word beginnings that make a method clearly an overwrite (Clear), clearly a firmware or
# cryptographic erase (Purge), or clearly physical destruction (Destroy), when no exact name matched.
def _words(*stems: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(stems) + ")")


_DESTROY = _words("destroy", "destruct", "shred", "disintegrat", "pulveri", "incinerat", "crush")
_PURGE = _words(
    "purge", "saniti[sz]", "crypt", "secure erase", "enhanced secure", "block erase", "degauss"
)
_OVERWRITE = _words(
    "overwrit",
    r"\d* ?pass",
    "zero",
    "ones",
    "random",
    "prng",
    "gutmann",
    "schneier",
    "vsitr",
    "gost",
    "dod",
    "afssi",
    "navso",
    "ncsc",
    "ar 380",
    "bsi",
    "ops ii",
    "tssit",
    "itsg",
    "hmg",
    "infosec",
    "fill",
    "wipe",
)


def classify_method(tool: str, method: str) -> tuple[NistCategory | None, str]:
    """(NIST SP 800-88 category or None, standard label) for `tool`'s `method`.

    The category is None when the method is not an erasure (nwipe's verify-only methods) or when
    nothing in its name says what kind of erasure it is; the label is then the method itself.
    """
    key = _key(method or "")
    if not key:
        return (None, "")
    if tool == "nwipe" and key in _NWIPE:
        return _NWIPE[key]
    if key in _NAMED:
        return _NAMED[key]
    if key in _NWIPE:
        return _NWIPE[key]
    if key.startswith("verify") or "verification only" in key:
        return (None, VERIFY_ONLY)
    if _DESTROY.search(key):
        return ("destroy", method.strip())
    if _PURGE.search(key):
        return ("purge", method.strip())
    if _OVERWRITE.search(key):
        return ("clear", method.strip())
    return (None, method.strip())


def standard_choice(label: str) -> str:
    """The STANDARD_CHOICES value whose label is `label`, or "other"."""
    for value, choice_label in STANDARD_CHOICES:
        if choice_label == label:
            return value
    return "other"


_VERIFIED_WORDS = re.compile(
    r"^\s*(?:[12]|last(?: pass)?|all(?: passes)?|yes|true|on|verified|full|enabled)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%")


def is_verification(text: str) -> bool:
    """Whether a tool's verification setting says verification actually ran.

    An allow-list: nwipe's "1 (last pass)" and "2 (all passes)", a percentage above zero,
    or an explicit yes/true/verified. Anything else (off, 0 %, disabled, unknown, empty,
    several settings of which one is not verified) does not count.
    """
    parts = [p for p in text.split(";") if p.strip()]
    if not parts:
        return False
    for part in parts:
        lowered = part.strip().lower()
        if lowered.startswith(("not ", "no ", "0", "off", "none", "false", "disabled", "unknown")):
            return False
        percent = _PERCENT.match(part)
        if percent:
            if float(percent.group(1)) <= 0:
                return False
            continue
        if not _VERIFIED_WORDS.match(part):
            return False
    return True

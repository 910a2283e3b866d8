"""The device-assessment guide's verdict: is a donated device worth giving, and how?

Pure: plain data in, plain data out. The rules are data, a table the regional coordinator edits
(the shipped version is `assessment/default_rules.json`; docs/assessment.md explains it), so this
module only knows the facts a rule may test and how a rule table is read:

- `rules`: every rule whose condition holds adds its reason; the verdict is the most serious of
  those rules' verdicts (`VERDICTS` runs from least to most serious). When no rule holds, the
  table's `otherwise` entry gives the verdict and its reason, so there is always at least one.
- `operating_systems`: the first entry whose condition holds is the recommended system, for a
  device that will be given (not one for parts or recycling).
- `data_advice`: every entry whose condition holds is said about the data on the device.

A condition is `{}` (always), `{"all": [...]}`, `{"any": [...]}`, `{"not": {...}}` or a test of
one fact: `{"fact": "ram_gb", "gte": 4}`. A test of a fact nobody knows (`None`) is false unless
it says `"if_unknown": true`. `rules_problems` says exactly what is wrong with a table.
"""

import datetime
import re
import string
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

# Least to most serious: a device with several problems gets the most serious verdict.
VERDICTS = ("give_as_is", "refurbish", "unlock_first", "parts", "recycle")
VERDICT_LABELS = {
    "give_as_is": "Give it as it is",
    "refurbish": "Refurbish it before giving it",
    "unlock_first": "It cannot be given until it is unlocked",
    "parts": "Use it for parts",
    "recycle": "Recycle it safely",
}
# Verdicts for a device that will be given to someone, so a system is recommended.
ONCE_WIPED = "Give it as it is, once it has been wiped"
GIVEN = ("give_as_is", "refurbish", "unlock_first")

DEVICE_TYPES = ("laptop", "desktop", "tablet", "smartphone", "other")
CPU_FAMILIES = (
    "intel_core",
    "intel_low_power",
    "intel_other",
    "amd_ryzen",
    "amd_other",
    "apple_silicon",
    "arm",
    "unknown",
)
CPU_FAMILY_LABELS = {
    "intel_core": "Intel Core",
    "intel_low_power": "Intel Celeron, Pentium or Atom",
    "intel_other": "an older Intel processor",
    "amd_ryzen": "AMD Ryzen",
    "amd_other": "an older AMD processor",
    "apple_silicon": "Apple silicon",
    "arm": "a phone or tablet (ARM) processor",
    "unknown": "an unrecognised processor",
}
STORAGE_TYPES = ("ssd", "hdd", "emmc", "unknown")
BATTERY = ("good", "worn", "poor", "none", "unknown")
SCREEN = ("ok", "cracked", "broken", "unknown")
KEYBOARD = ("ok", "faulty", "unknown")
OPERATING_SYSTEMS = (
    "windows_11",
    "windows_10",
    "windows_older",
    "macos",
    "chromeos",
    "linux",
    "android",
    "ios",
    "none",
    "other",
    "unknown",
)
YES_NO = ("yes", "no", "unknown")
LOCKS = ("apple_activation_lock", "google_frp", "mdm", "firmware_password")
LOCK_LABELS = {
    "apple_activation_lock": "Apple Activation Lock",
    "google_frp": "Google Factory Reset Protection",
    "mdm": "device management (MDM) enrolment",
    "firmware_password": "a firmware (BIOS) password",
    "unknown": "locks not checked",
}
DATA_WIPED = ("certificate", "no_certificate", "no", "unknown")


@dataclass(frozen=True)
class Fact:
    kind: str  # "number", "choice", "flag", "set" or "text"
    values: tuple[str, ...] = ()
    derived: bool = False
    only_in: str | None = None  # a table section, for facts known only there


# Every fact a rule may test or name in its text. Derived facts are worked out from the others.
FACTS: dict[str, Fact] = {
    "device_type": Fact("choice", DEVICE_TYPES),
    "make": Fact("text"),
    "model": Fact("text"),
    "year": Fact("number"),
    "age_years": Fact("number", derived=True),
    "cpu": Fact("text"),
    "cpu_family": Fact("choice", CPU_FAMILIES, derived=True),
    "cpu_generation": Fact("number", derived=True),
    "ram_gb": Fact("number"),
    "storage_type": Fact("choice", STORAGE_TYPES),
    "storage_gb": Fact("number"),
    "powers_on": Fact("flag"),
    "battery": Fact("choice", BATTERY),
    "battery_health_pct": Fact("number"),
    "screen": Fact("choice", SCREEN),
    "keyboard": Fact("choice", KEYBOARD),
    "operating_system": Fact("choice", OPERATING_SYSTEMS),
    "security_updates": Fact("choice", YES_NO),
    "updates_until": Fact("text"),
    "updates_ended": Fact("flag", derived=True),
    "tpm": Fact("choice", YES_NO),
    "locks": Fact("set", (*LOCKS, "unknown")),
    "data_wiped": Fact("choice", DATA_WIPED),
    "verdict": Fact("choice", VERDICTS, derived=True, only_in="data_advice"),
}
OPERATORS = {
    "number": {"eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "known"},
    "choice": {"eq", "ne", "in", "not_in", "known"},
    "flag": {"eq", "ne", "known"},
    "set": {"contains_any", "known"},
    "text": {"known"},
}


@dataclass(frozen=True)
class DeviceFacts:
    """What someone holding the device can tell about it. Unknown numbers are None; unknown
    answers to a question are "unknown". `locks` lists the locks found; ["unknown"] means
    nobody has checked, [] that there are none."""

    device_type: str
    make: str = ""
    model: str = ""
    year: int | None = None
    cpu: str = ""
    ram_gb: int | None = None
    storage_type: str = "unknown"
    storage_gb: int | None = None
    powers_on: bool | None = None
    battery: str = "unknown"
    battery_health_pct: int | None = None
    screen: str = "unknown"
    keyboard: str = "unknown"
    operating_system: str = "unknown"
    security_updates: str = "unknown"
    updates_until: datetime.date | None = None  # the last day of security updates, if known
    tpm: str = "unknown"
    locks: tuple[str, ...] = ("unknown",)
    data_wiped: str = "unknown"

    def __post_init__(self):
        problems = []
        for name, value in asdict(self).items():
            fact = FACTS[name]
            if fact.kind == "choice" and value not in fact.values:
                problems.append(f"{name}: {value!r} is not one of {', '.join(fact.values)}")
            if fact.kind == "set" and not set(value) <= set(fact.values):
                problems.append(f"{name}: {value!r} has values not in {', '.join(fact.values)}")
        if problems:
            raise ValueError("; ".join(problems))


@dataclass(frozen=True)
class Rules:
    """A version of the rule table."""

    version: int
    table: Mapping


@dataclass(frozen=True)
class OsAdvice:
    key: str
    name: str
    reason: str


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reasons: list[str]
    recommended_os: OsAdvice | None
    data_advice: list[str]
    rules_version: int
    # Nobody has said it was wiped to a standard: whatever the verdict, that comes first.
    needs_wiping: bool = True

    @property
    def label(self) -> str:
        if self.verdict == "give_as_is" and self.needs_wiping:
            return ONCE_WIPED
        return VERDICT_LABELS[self.verdict]


# ---------------------------------------------------------------------------------------------
# Processors


def parse_cpu(text: str) -> tuple[str, int | None]:
    """(family, generation) from a processor name as the system or a sticker shows it.

    Intel Core iN-8250U is 8th generation and i7-1165G7 11th (four digits after the dash: the
    first; five: the first two); AMD Ryzen's series is its thousands (Ryzen 5 3500U: 3); Apple's
    M1 is 1. Unrecognised text is ("unknown", None), so nothing is promised on a guess.
    """
    cpu = " ".join(text.lower().replace("®", " ").replace("™", " ").split())
    if not cpu:
        return "unknown", None
    if match := re.search(r"\bapple\s*m(\d+)\b|^m(\d+)\b", cpu):
        return "apple_silicon", int(match.group(1) or match.group(2))
    if re.search(
        r"snapdragon|mediatek|exynos|tensor|kirin|helio|dimensity|\bapple\s*a\d+|\barm\b", cpu
    ):
        return "arm", None
    if "core 2" in cpu or "core duo" in cpu or "core solo" in cpu or "xeon" in cpu:
        return "intel_other", None
    if "ryzen" in cpu:
        if "ryzen ai" in cpu:
            return "amd_ryzen", 10
        match = re.search(r"ryzen\s*(?:threadripper\s*)?(?:\d\s*)?(?:pro\s*)?(\d)\d{3}", cpu)
        return "amd_ryzen", int(match.group(1)) if match else None
    if re.search(r"\b(athlon|sempron|phenom|turion|opteron|fx-?\d|[ae][0-9]?-\d{4})", cpu):
        return "amd_other", None
    if re.search(r"celeron|pentium|atom", cpu):
        return "intel_low_power", None
    if "core ultra" in cpu:
        match = re.search(r"ultra\s*\d\s*(\d)\d{2}", cpu)
        return "intel_core", 15 if match and match.group(1) == "2" else 14
    generation = re.search(r"(\d+)(?:st|nd|rd|th)\s*gen", cpu)
    if generation and re.search(r"\bi[3579]\b|\bcore\b", cpu):
        return "intel_core", int(generation.group(1))
    if match := re.search(r"\bi[3579]\s*-?\s*(\d{3,5})", cpu):
        digits = match.group(1)
        if len(digits) == 3:
            return "intel_core", 1
        # i5-10210U and i7-1165G7 are 10th and 11th generation: no 4-digit model began with 1.
        two = len(digits) == 5 or digits.startswith("1")
        return "intel_core", int(digits[:2]) if two else int(digits[0])
    if match := re.search(r"\bm[357]?\s*-\s*(\d)y", cpu) or re.search(r"\bm[357]-(\d)\d{3}y", cpu):
        return "intel_core", int(match.group(1))
    return "unknown", None


def describe_cpu(text: str) -> str:
    """How the guide reads a processor name back, e.g. "Intel Core, 8th generation"."""
    family, generation = parse_cpu(text)
    label = CPU_FAMILY_LABELS[family]
    if generation is None or family in ("apple_silicon",):
        return f"{label} M{generation}" if generation else label
    if family == "amd_ryzen":
        return f"{label} {generation}000 series"
    return f"{label}, {_ordinal(generation)} generation"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------------------------------------
# Evaluation


def known_facts(facts: DeviceFacts, *, today: datetime.date) -> dict:
    """The facts as rules see them: as given, plus those worked out from them."""
    values = asdict(facts)
    values["locks"] = list(facts.locks)
    values["updates_until"] = facts.updates_until.isoformat() if facts.updates_until else None
    values["age_years"] = today.year - facts.year if facts.year else None
    values["cpu_family"], values["cpu_generation"] = parse_cpu(facts.cpu)
    # A date beats a yes or no: a Chromebook's auto update expiration is printed, memory is not.
    if facts.updates_until is not None:
        values["updates_ended"] = facts.updates_until < today
    else:
        values["updates_ended"] = {"yes": False, "no": True}.get(facts.security_updates)
    for name in ("make", "model", "cpu"):
        values[name] = values[name] or None
    return values


def holds(condition: Mapping, facts: Mapping) -> bool:
    if not condition:
        return True
    if "all" in condition:
        return all(holds(c, facts) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, facts) for c in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], facts)
    value = facts[condition["fact"]]
    op = _operator(condition)
    expected = condition[op]
    if op == "known":
        return (value is not None) == expected
    if value is None:
        return bool(condition.get("if_unknown", False))
    match op:
        case "eq":
            return value == expected
        case "ne":
            return value != expected
        case "lt":
            return value < expected
        case "lte":
            return value <= expected
        case "gt":
            return value > expected
        case "gte":
            return value >= expected
        case "in":
            return value in expected
        case "not_in":
            return value not in expected
        case "contains_any":
            return bool(set(value) & set(expected))
    raise ValueError(f"Unknown operator {op}")  # rules_problems refuses such a table


def _operator(test: Mapping) -> str:
    return next(k for k in test if k not in ("fact", "if_unknown"))


class _Shown(dict):
    """Facts as a rule's text shows them: unknown ones as "unknown", locks by their names."""

    def __missing__(self, key):
        return "unknown"


def _say(text: str, facts: Mapping) -> str:
    shown = _Shown()
    for name, value in facts.items():
        if value is None:
            continue
        if name == "locks":
            value = ", ".join(LOCK_LABELS[v] for v in value) or "none"
        elif name == "cpu_family":
            value = CPU_FAMILY_LABELS[value]
        shown[name] = value
    return text.format_map(shown)


def assess(device_facts: DeviceFacts, rules: Rules, *, today: datetime.date) -> Verdict:
    """The verdict on a device under a rule table, with every reason, the system to install and
    what to do about its data. `rules.table` must have no `rules_problems`."""
    facts = known_facts(device_facts, today=today)
    table = rules.table
    held = [rule for rule in table["rules"] if holds(rule["when"], facts)]
    if held:
        rank = VERDICTS.index
        verdict = max((rule["verdict"] for rule in held), key=rank)
        ordered = sorted(held, key=lambda rule: -rank(rule["verdict"]))  # stable: table order
        reasons = [_say(rule["reason"], facts) for rule in ordered]
    else:
        verdict = table["otherwise"]["verdict"]
        reasons = [_say(table["otherwise"]["reason"], facts)]
    recommended = None
    if verdict in GIVEN:
        chosen = next((s for s in table["operating_systems"] if holds(s["when"], facts)), None)
        if chosen is not None:
            recommended = OsAdvice(chosen["id"], chosen["name"], _say(chosen["reason"], facts))
    facts["verdict"] = verdict
    advice = [_say(a["advice"], facts) for a in table["data_advice"] if holds(a["when"], facts)]
    return Verdict(
        verdict,
        reasons,
        recommended,
        advice,
        rules.version,
        needs_wiping=facts.get("data_wiped") in ("no", "unknown"),
    )


# ---------------------------------------------------------------------------------------------
# Checking a rule table


@dataclass
class _Checker:
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def keys(self, where, item, required: set, optional: set = frozenset()) -> bool:
        if not isinstance(item, dict):
            self.add(where, f"must be an object with {_names(required)}")
            return False
        ok = True
        for key in sorted(required - item.keys()):
            self.add(where, f'"{key}" is missing')
            ok = False
        for key in sorted(item.keys() - required - optional):
            self.add(where, f'"{key}" is not allowed here (expected {_names(required | optional)})')
            ok = False
        return ok

    def text(self, where, value, *, section) -> None:
        if not isinstance(value, str) or not value.strip():
            self.add(where, "must be some text")
            return
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        except ValueError as error:
            self.add(where, f"has a stray brace ({error}); write {{{{ or }}}} for a brace")
            return
        for name in names:
            if name not in FACTS or FACTS[name].only_in not in (None, section):
                self.add(where, f'"{{{name}}}" is not a fact it can show; {_facts(section)}')

    def condition(self, where, condition, *, section) -> None:
        if not isinstance(condition, dict):
            self.add(where, "a condition must be an object")
            return
        if not condition:
            return
        for combinator in ("all", "any"):
            if combinator in condition:
                if not self.keys(where, condition, {combinator}):
                    return
                parts = condition[combinator]
                if not isinstance(parts, list) or not parts:
                    self.add(f"{where}.{combinator}", "must be a list of one or more conditions")
                    return
                for i, part in enumerate(parts):
                    self.condition(f"{where}.{combinator}[{i}]", part, section=section)
                return
        if "not" in condition:
            if self.keys(where, condition, {"not"}):
                self.condition(f"{where}.not", condition["not"], section=section)
            return
        if "fact" not in condition:
            self.add(where, 'a condition needs "fact" (or "all", "any" or "not")')
            return
        name = condition["fact"]
        fact = FACTS.get(name) if isinstance(name, str) else None
        if fact is None or fact.only_in not in (None, section):
            self.add(where, f'"{name}" is not a fact; {_facts(section)}')
            return
        ops = [k for k in condition if k not in ("fact", "if_unknown")]
        allowed = OPERATORS[fact.kind]
        if len(ops) != 1:
            self.add(where, f'test "{name}" with exactly one of {_names(allowed)}')
            return
        op = ops[0]
        if op not in allowed:
            self.add(where, f'"{op}" cannot test "{name}"; use one of {_names(allowed)}')
            return
        if "if_unknown" in condition and not isinstance(condition["if_unknown"], bool):
            self.add(where, '"if_unknown" must be true or false')
        self.value(f"{where}.{op}", name, fact, op, condition[op])

    def value(self, where, name, fact, op, value) -> None:
        if op == "known":
            if not isinstance(value, bool):
                self.add(where, "must be true or false")
            return
        if op in ("in", "not_in", "contains_any"):
            if not isinstance(value, list) or not value:
                self.add(where, "must be a list of one or more values")
                return
            for i, item in enumerate(value):
                self.value(f"{where}[{i}]", name, fact, "eq", item)
            return
        if fact.kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.add(where, f'"{name}" is a number, so this must be a number')
        elif fact.kind == "flag":
            if not isinstance(value, bool):
                self.add(where, f'"{name}" is true or false, so this must be true or false')
        elif value not in fact.values:
            self.add(
                where, f'{value!r} is not a value of "{name}"; use one of {_names(fact.values)}'
            )

    def verdict(self, where, value) -> None:
        if value not in VERDICTS:
            self.add(where, f"{value!r} is not a verdict; use one of {_names(VERDICTS)}")

    def entries(self, table, section, required, check) -> None:
        entries = table.get(section)
        if not isinstance(entries, list):
            self.add(section, "must be a list")
            return
        seen = set()
        for i, entry in enumerate(entries):
            where = f"{section}[{i}]"
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                where = f'{where} ("{entry["id"]}")'
                if entry["id"] in seen:
                    self.add(where, f'the id "{entry["id"]}" is used twice in {section}')
                seen.add(entry["id"])
            if not self.keys(where, entry, required, {"note"}):
                continue
            if not isinstance(entry["id"], str) or not entry["id"].strip():
                self.add(f"{where}.id", "must be some text")
            self.condition(f"{where}.when", entry["when"], section=section)
            check(where, entry)


def rules_problems(table) -> list[str]:
    """Everything wrong with a rule table, each saying where it is and what to do; [] if none."""
    checker = _Checker()
    if not checker.keys(
        "The rule table",
        table,
        {"rules", "otherwise", "operating_systems", "data_advice"},
        {"note"},
    ):
        return checker.problems

    def rule(where, entry):
        checker.verdict(f"{where}.verdict", entry["verdict"])
        checker.text(f"{where}.reason", entry["reason"], section="rules")

    def system(where, entry):
        checker.text(f"{where}.name", entry["name"], section="operating_systems")
        checker.text(f"{where}.reason", entry["reason"], section="operating_systems")

    def advice(where, entry):
        checker.text(f"{where}.advice", entry["advice"], section="data_advice")

    checker.entries(table, "rules", {"id", "when", "verdict", "reason"}, rule)
    checker.entries(table, "operating_systems", {"id", "when", "name", "reason"}, system)
    checker.entries(table, "data_advice", {"id", "when", "advice"}, advice)
    otherwise = table["otherwise"]
    if checker.keys("otherwise", otherwise, {"verdict", "reason"}):
        checker.verdict("otherwise.verdict", otherwise["verdict"])
        checker.text("otherwise.reason", otherwise["reason"], section="rules")
    return checker.problems


def _names(names) -> str:
    return ", ".join(f'"{n}"' for n in sorted(names))


def _facts(section: str) -> str:
    return "the facts are " + _names(n for n, f in FACTS.items() if f.only_in in (None, section))


# ---------------------------------------------------------------------------------------------
# Reading a rule table


_OP_WORDS = {
    "eq": "is",
    "ne": "is not",
    "lt": "is less than",
    "lte": "is at most",
    "gt": "is more than",
    "gte": "is at least",
    "in": "is",
    "not_in": "is not",
    "contains_any": "include",
}


def describe_condition(condition: Mapping) -> str:
    """A condition in words, for people reading the rules: "device type is tablet or
    smartphone and age years is more than 6"."""
    if not condition:
        return "always"
    for combinator, joiner in (("all", " and "), ("any", " or ")):
        if combinator in condition:
            parts = condition[combinator]
            if len(parts) == 1:
                return describe_condition(parts[0])
            return joiner.join(
                f"({describe_condition(c)})" if {"all", "any"} & c.keys() else describe_condition(c)
                for c in parts
            )
    if "not" in condition:
        return f"not ({describe_condition(condition['not'])})"
    name = condition["fact"].replace("_", " ")
    op = _operator(condition)
    value = condition[op]
    if op == "known":
        return f"{name} is {'known' if value else 'not known'}"
    if isinstance(value, list):
        shown = (" nor " if op == "not_in" else " or ").join(_word(v) for v in value)
    else:
        shown = _word(value)
    unknown = " (or not known)" if condition.get("if_unknown") else ""
    return f"{name} {_OP_WORDS[op]} {shown}{unknown}"


def _word(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")

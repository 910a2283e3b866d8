"""The opportunity estimator: how many devices a workforce could give, and how many would be rehomed.

Pure Python, no Django. For `employees` staff over `years`:

    devices available = employees * devices per employee * (years / refresh cycle) * share released
    devices rehomed   = devices available * share reusable and donated

*Available* is what the employers would retire and release from their estate over the period;
*rehomed* is the part of it that is fit for reuse and reaches a person (the rest is recycled).

The central defaults are calibrated to the West Midlands snapshot in "A Regional Approach to IT
Reuse for Good: Opportunities in the West Midlands" (WMCA, Good Things Foundation and others,
June 2025): 22 employers with about 240,000 employees could release about 131,275 devices over
four years (0.547 devices per employee) and rehome about 37,842 (28.8 %).
The report does not publish its per-step parameters, so these are plausible values chosen to
reproduce its totals, not measurements. Low and high sets bracket them; a factor a user edits
moves its low and high values in proportion, so every output keeps low ≤ central ≤ high.

`read_employers` reads a list of employers (CSV or XLSX, through lib.manifest's reader) and
reports every problem by row and column in one pass.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace

from lib.manifest import Limits, Problem, read_table

DEFAULT_YEARS = 4
SOURCE = (
    "“A Regional Approach to IT Reuse for Good: Opportunities in the West Midlands” (West "
    "Midlands Combined Authority, Good Things Foundation and others, June 2025): 22 employers, "
    "about 240,000 employees, about 131,275 devices available over four years, about 37,842 "
    "rehomed."
)

FACTORS: tuple[str, ...] = (
    "devices_per_employee",
    "refresh_years",
    "share_released",
    "share_reusable",
)
LABELS: dict[str, str] = {
    "employees": "Employees",
    "years": "Years",
    "devices_per_employee": "Devices per employee",
    "refresh_years": "Refresh cycle (years)",
    "share_released": "Share released",
    "share_reusable": "Share reusable and donated",
}
SHARES = ("share_released", "share_reusable")
# Beyond these an input is a typing mistake, not an estate.
MAXIMA: dict[str, float] = {
    "employees": 10_000_000,
    "years": 50,
    "devices_per_employee": 20,
    "refresh_years": 20,
}

NEGATIVE = "{label} cannot be negative."
NOT_POSITIVE = "{label} must be more than 0."
# A device replaced more often than every three months is not a refresh cycle (and a cycle near
# nought would make the estimate infinite).
MIN_REFRESH_YEARS = 0.25
TOO_SHORT = "{label} must be at least {limit} (three months)."
TOO_LARGE = "{label} must be at most {limit:,}."
SHARE_RANGE = "{label} must be between 0 and 1 (for example 0.45 for 45%)."
NOT_A_NUMBER = "{label} '{value}' is not a number."
NOT_WHOLE = "{label} '{value}' must be a whole number."


@dataclass(frozen=True)
class Assumptions:
    """One set of the four factors. Shares are fractions from 0 to 1."""

    devices_per_employee: float
    refresh_years: float
    share_released: float
    share_reusable: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


# Calibrated to the seeds' snapshot (see the module docstring): 240,000 * 1.2 * (4 / 4) * 0.456
# = 131,328 available (+0.04 %), * 0.288 = 37,822 rehomed (-0.05 %).
CENTRAL = Assumptions(
    devices_per_employee=1.2, refresh_years=4, share_released=0.456, share_reusable=0.288
)
LOW = Assumptions(
    devices_per_employee=1.0, refresh_years=5, share_released=0.4, share_reusable=0.22
)
HIGH = Assumptions(
    devices_per_employee=1.4, refresh_years=3.5, share_released=0.55, share_reusable=0.35
)

EXPLANATIONS: dict[str, str] = {
    "devices_per_employee": (
        "Laptops, desktops, tablets and phones the employer provides for each member of staff. "
        "Office staff often have a laptop and a phone; shift workers may share one device."
    ),
    "refresh_years": (
        "How many years a device stays in use before the employer replaces it. Over a period "
        "of the same length every device is replaced once; over a longer one, more than once."
    ),
    "share_released": (
        "The part of retired devices the employer would release for reuse, rather than keep, "
        "return to a leasing company or destroy under its security policy."
    ),
    "share_reusable": (
        "The part of released devices that are fit to refurbish and reach a person through a "
        "community organisation. The rest are recycled by a certified recycler."
    ),
}


class EstimateError(ValueError):
    """Inputs the estimator refuses; `problems` maps each input to what is wrong with it."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__(" ".join(problems.values()))


def problems(values: Mapping[str, float | None]) -> dict[str, str]:
    """What is wrong with each given input (employees, years and any factor), by its name."""
    found: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        label = LABELS[name]
        if not math.isfinite(value):
            found[name] = NOT_A_NUMBER.format(label=label, value=value)
        elif name in SHARES:
            if not 0 <= value <= 1:
                found[name] = SHARE_RANGE.format(label=label)
        elif value < 0:
            found[name] = NEGATIVE.format(label=label)
        elif value == 0 and name in ("refresh_years", "years"):
            found[name] = NOT_POSITIVE.format(label=label)
        elif name == "refresh_years" and value < MIN_REFRESH_YEARS:
            found[name] = TOO_SHORT.format(label=label, limit=MIN_REFRESH_YEARS)
        elif value > MAXIMA[name]:
            found[name] = TOO_LARGE.format(label=label, limit=MAXIMA[name])
    return found


@dataclass(frozen=True)
class Figures:
    devices_available: int
    devices_rehomed: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Estimate:
    """The three scenarios for one workforce, with the assumptions behind each."""

    employees: int
    years: float
    low: Figures
    central: Figures
    high: Figures
    assumptions: dict[str, Assumptions]

    @property
    def scenarios(self) -> list[tuple[str, Figures]]:
        return [("low", self.low), ("central", self.central), ("high", self.high)]

    def as_dict(self) -> dict:
        """The JSON shape the command and the API give: the central figures at the top level."""
        return {
            "employees": self.employees,
            "years": self.years,
            **self.central.as_dict(),
            "low": self.low.as_dict(),
            "high": self.high.as_dict(),
            "assumptions": {name: a.as_dict() for name, a in self.assumptions.items()},
        }


def assumption_sets(overrides: Mapping[str, float | None] | None = None) -> dict[str, Assumptions]:
    """Low, central and high factors with `overrides` as the central values.

    An edited factor keeps the default's proportions: low = edited * LOW / CENTRAL, likewise high,
    with shares capped at 1. Each factor moves every output one way, so the order of the sets
    is the order of the outputs.
    """
    given = {name: value for name, value in (overrides or {}).items() if value is not None}
    unknown = set(given) - set(FACTORS)
    if unknown:
        raise KeyError(f"Unknown factors: {', '.join(sorted(unknown))}")
    central = replace(CENTRAL, **given)
    sets = {"central": central}
    for name, default in (("low", LOW), ("high", HIGH)):
        values = {}
        for factor in FACTORS:
            value = getattr(central, factor)
            if factor in given:
                value *= getattr(default, factor) / getattr(CENTRAL, factor)
            else:
                value = getattr(default, factor)
            values[factor] = min(value, 1.0) if factor in SHARES else value
        sets[name] = Assumptions(**values)
    return sets


def figures(employees: float, years: float, assumptions: Assumptions) -> Figures:
    available = (
        employees
        * assumptions.devices_per_employee
        * (years / assumptions.refresh_years)
        * assumptions.share_released
    )
    return Figures(round(available), round(available * assumptions.share_reusable))


def estimate(
    *,
    employees: int,
    years: float = DEFAULT_YEARS,
    overrides: Mapping[str, float | None] | None = None,
) -> Estimate:
    """Devices available and rehomed, low, central and high. Raises EstimateError."""
    found = problems({"employees": employees, "years": years, **(overrides or {})})
    if found:
        raise EstimateError(found)
    sets = assumption_sets(overrides)
    results = {name: figures(employees, years, sets[name]) for name in sets}
    return Estimate(employees, years, assumptions=sets, **results)


# ---------------------------------------------------------------------------------------------
# A list of employers.

LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=10_000, max_columns=50, max_cells=500_000)
COLUMNS: tuple[str, ...] = ("name", "employees", "sector", *FACTORS)
COLUMN_LABELS = {"name": "Name", "sector": "Sector", **LABELS}
# Other ways a spreadsheet may head a column, as keys (lower case letters and digits).
SYNONYMS: dict[str, str] = {
    "employer": "name",
    "organisation": "name",
    "organization": "name",
    "company": "name",
    "staff": "employees",
    "headcount": "employees",
    "employeecount": "employees",
    "industry": "sector",
    "devicesperemployee": "devices_per_employee",
    "refreshyears": "refresh_years",
    "refreshcycle": "refresh_years",
    "refreshcycleyears": "refresh_years",
    "sharereleased": "share_released",
    "sharereusable": "share_reusable",
    "sharereusableanddonated": "share_reusable",
}
REQUIRED = ("name", "employees")

EMPTY_FILE = "The file has no employers in it."
MISSING_COLUMN = "The file has no {label} column; add one headed '{column}'."
DOUBLE_COLUMN = "'{first}' and '{second}' both hold {label}; keep one of them."
NO_NAME = "Every employer needs a name."
NO_EMPLOYEES = "Give the number of employees."
DUPLICATE_NAME = "{name} is also on row {row}."
UNKNOWN_COLUMN = "Column '{column}' is not one Rehome reads, so it was left out."


@dataclass(frozen=True)
class Employer:
    """One employer from the file: its row, figures and any factors of its own."""

    row: int
    name: str
    employees: int
    sector: str = ""
    overrides: dict[str, float] = field(default_factory=dict)

    def estimate(
        self, years: float = DEFAULT_YEARS, defaults: Mapping[str, float | None] | None = None
    ) -> Estimate:
        """The employer's estimate: its own factors, else `defaults`, else the central ones."""
        overrides = {**(defaults or {}), **self.overrides}
        return estimate(employees=self.employees, years=years, overrides=overrides)


@dataclass
class EmployerList:
    """What `read_employers` found: the employers, and every problem by row and column."""

    employers: list[Employer]
    errors: list[Problem]
    warnings: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.errors


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", header.casefold())


def column_of(header: str) -> str | None:
    """The field a header names, or None."""
    key = _key(header)
    by_key = {_key(name): name for name in COLUMNS}
    return by_key.get(key) or SYNONYMS.get(key)


def parse_number(text: str) -> float:
    """A number as people type it: thousands separators, spaces, a trailing % (÷ 100)."""
    cleaned = text.strip().replace(",", "").replace(" ", "").replace("\u00a0", "")
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    value = float(cleaned)
    return value / 100 if percent else value


def read_employers(data: bytes, filename: str = "") -> EmployerList:
    """Employers from a CSV or XLSX file; ManifestError when the file cannot be read at all.

    Columns: name and employees (required), sector, and any of the four factors for that
    employer alone. Each problem names the spreadsheet row and the column as the file heads it.
    """
    table = read_table(data, filename, LIMITS)
    errors: list[Problem] = list(table.problems)
    warnings: list[Problem] = list(table.warnings)
    if not table.rows:
        return EmployerList([], [*errors, Problem(None, None, EMPTY_FILE)], warnings)
    index: dict[str, int] = {}
    for position, header in enumerate(table.headers):
        name = column_of(header)
        if name is None:
            warnings.append(Problem(None, header, UNKNOWN_COLUMN.format(column=header)))
        elif name in index:
            first = table.headers[index[name]]
            message = DOUBLE_COLUMN.format(first=first, second=header, label=COLUMN_LABELS[name])
            errors.append(Problem(None, header, message, name))
        else:
            index[name] = position
    for name in REQUIRED:
        if name not in index:
            label = COLUMN_LABELS[name]
            message = MISSING_COLUMN.format(label=label.lower(), column=name)
            errors.append(Problem(None, label, message, name))
    if any(p.row is None for p in errors):
        return EmployerList([], errors, warnings)

    employers: list[Employer] = []
    seen: dict[str, int] = {}
    for number, cells in zip(table.row_numbers, table.rows, strict=True):
        values = {name: cells[position].strip() for name, position in index.items()}
        employer, row_errors = _employer(number, values, seen)
        errors.extend(
            Problem(number, table.headers[index[name]], message, name)
            for name, message in row_errors
        )
        if employer is not None:
            employers.append(employer)
    return EmployerList(employers if not errors else [], errors, warnings)


def _employer(
    number: int, cells: dict[str, str], seen: dict[str, int]
) -> tuple[Employer | None, list[tuple[str, str]]]:
    """One row's employer, or None with (column, message) for each problem in it."""
    found: list[tuple[str, str]] = []
    name = " ".join(cells.get("name", "").split())
    if not name:
        found.append(("name", NO_NAME))
    elif name.casefold() in seen:
        found.append(("name", DUPLICATE_NAME.format(name=name, row=seen[name.casefold()])))
    else:
        seen[name.casefold()] = number
    values: dict[str, float] = {}
    for column in ("employees", *FACTORS):
        text = cells.get(column, "")
        label = LABELS[column]
        if not text:
            if column == "employees":
                found.append((column, NO_EMPLOYEES))
            continue
        try:
            value = parse_number(text)
        except ValueError:
            found.append((column, NOT_A_NUMBER.format(label=label, value=text)))
            continue
        if column == "employees" and not value.is_integer():
            found.append((column, NOT_WHOLE.format(label=label, value=text)))
            continue
        values[column] = value
    found.extend(problems(values).items())
    if found:
        return None, found
    employees = int(values.pop("employees"))
    return Employer(number, name, employees, cells.get("sector", ""), values), []


@dataclass(frozen=True)
class Total:
    """Expected devices for a list of employers: each one's estimate, and their sums."""

    rows: list[tuple[Employer, Estimate]]
    employees: int
    low: Figures
    central: Figures
    high: Figures

    def as_dict(self) -> dict:
        return {
            "employees": self.employees,
            **self.central.as_dict(),
            "low": self.low.as_dict(),
            "high": self.high.as_dict(),
            "employers": [
                {"row": employer.row, "name": employer.name, "sector": employer.sector}
                | estimate.as_dict()
                for employer, estimate in self.rows
            ],
        }


def total(
    employers: list[Employer],
    years: float = DEFAULT_YEARS,
    defaults: Mapping[str, float | None] | None = None,
) -> Total:
    """Each employer's estimate over `years`, and the sums of their rounded figures."""
    rows = [(employer, employer.estimate(years, defaults)) for employer in employers]

    def summed(scenario: str) -> Figures:
        chosen = [getattr(estimate, scenario) for _, estimate in rows]
        return Figures(
            sum(f.devices_available for f in chosen), sum(f.devices_rehomed for f in chosen)
        )

    return Total(
        rows,
        sum(e.employees for e in employers),
        summed("low"),
        summed("central"),
        summed("high"),
    )

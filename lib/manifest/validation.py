"""Check a Table against a column mapping: every row normalised, every problem found, one pass.

Work is done column by column on distinct values (a column of 100,000 rows usually holds a few
hundred makes, models and sizes), so each normaliser runs once per value, not once per cell.
"""

import datetime
import functools
import re
from collections.abc import Callable, Iterable
from operator import itemgetter

from lib.gc_pause import paused_gc
from lib.manifest import messages, values
from lib.manifest.headers import (
    apply_overrides,
    column_unit,
    detect_format,
    hint_columns,
    mapping_problems,
    recognise,
)
from lib.manifest.model import (
    DEVICE_TYPES,
    FIELD_LABELS,
    FIELD_MAX_CHARS,
    FIELDS,
    IDENTIFIERS,
    Item,
    Limits,
    Problem,
    Result,
    Table,
)
from lib.manifest.read import DEFAULT_LIMITS, read_table

Existing = Callable[[str, list[str]], Iterable[str]]

# A cell a spreadsheet would run if it were pasted back in: "=cmd|…", "@SUM(…)", "+HYPERLINK(…)".
_FORMULA_LIKE = re.compile(r"^(?:=|[+\-@].*[(|!])", re.DOTALL)
_FORMULA_STARTS = frozenset("=+-@")
_BLANK_STARTS = frozenset(word[0] for word in values.BLANK_WORDS) | frozenset(
    word[0].upper() for word in values.BLANK_WORDS
)
MDM_EXPORTS = ("intune", "jamf")

PLAIN_NORMALISERS: dict[str, Callable[[str], object]] = {
    "serial_number": values.serial_number,
    "asset_tag": values.asset_tag,
    "imei": values.imei,
    "device_type": values.device_type,
    "make": values.make,
    "model": values.model,
    "cpu": values.cpu,
    "notes": values.notes,
}
# How two identifiers of a field are compared (the app's `existing` answers are read the same way).
IDENTIFIER_KEYS: dict[str, Callable[[str], str]] = {
    "serial_number": lambda value: "".join(value.split()).upper(),
    "imei": lambda value: "".join(value.split()),
    "asset_tag": values.identifier_key,
}


def parse_manifest(
    data: bytes,
    filename: str = "",
    *,
    overrides: dict[str, str | None] | None = None,
    existing: Existing | None = None,
    default_type: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Result:
    """Read, recognise, apply the donor's column choices, validate. Raises ManifestError only
    when the file cannot be read at all; everything else is in the Result."""
    table = read_table(data, filename, limits)
    recognition = recognise(table.headers)
    if overrides:
        recognition = apply_overrides(recognition, overrides)
    return validate(
        table, recognition.columns, existing=existing, default_type=default_type, limits=limits
    )


def validate(
    table: Table,
    columns: dict[str, str | None],
    *,
    existing: Existing | None = None,
    default_type: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[float], None] | None = None,
) -> Result:
    """Normalise every row of `table` by the `columns` mapping (header → field or None).

    `existing(field, values)` is called once per identifier field with the file's distinct
    normalised values and returns those Rehome already knows; each is an error on its rows.
    `default_type` is the device type of rows whose type is blank and cannot be worked out.
    `progress(share)`, when given, hears the share of the work done (0 to 1) after each column.
    Raises ValueError only for a mapping or default that names no field or type.
    """
    with paused_gc():
        return _validate(table, columns, existing, default_type, limits, progress)


def _validate(
    table: Table,
    columns: dict[str, str | None],
    existing: Existing | None,
    default_type: str | None,
    limits: Limits,
    progress: Callable[[float], None] | None = None,
) -> Result:
    default_type = default_type or None
    if default_type is not None and default_type not in DEVICE_TYPES:
        raise ValueError(f"{default_type!r} is not a device type")
    for field in columns.values():
        if field is not None and field not in FIELDS:
            raise ValueError(f"{field!r} is not a manifest field")
    headers = table.headers
    position = {header: index for index, header in enumerate(headers)}
    mapped = {header: columns.get(header) for header in headers}
    export = detect_format(headers)
    check = _Check(table, limits)
    check.errors.extend(mapping_problems(mapped))
    chosen: dict[str, str] = {}
    for header, field in mapped.items():
        if field:
            chosen.setdefault(field, header)
    check.table_problems(table.problems, mapped)

    if not headers:
        check.errors.append(Problem(None, None, messages.EMPTY_FILE))
    elif not table.rows:
        check.errors.append(Problem(None, None, messages.NO_ROWS))
    if headers and not any(field in chosen for field in IDENTIFIERS):
        check.errors.append(Problem(None, None, messages.NO_IDENTIFIER_COLUMN))

    found: dict[str, list] = {}
    for done, (field, header) in enumerate(chosen.items(), start=1):
        raw = check.raw(position[header])
        normaliser = _normaliser(field, header, export, raw)
        found[field] = check.column(field, header, raw, normaliser)
        if progress is not None:
            progress(done / (len(chosen) + 1))  # the last share: types and identifiers
    check.device_types(found, chosen, default_type)
    check.identifiers(found, chosen, existing)

    absent = [None] * len(table.rows)
    fields = (found.get(field, absent) for field in FIELDS)
    items = list(map(Item._make, zip(table.row_numbers, *fields, strict=True)))
    order = functools.partial(_order, position)
    return Result(
        rows=len(table.rows),
        accepted=len(table.rows) - len(check.bad_rows),
        items=items,
        errors=sorted(check.errors, key=order),
        warnings=sorted(check.warnings, key=order),
        duplicates_in_file=len(check.duplicate_rows),
        duplicates_existing=len(check.existing_rows),
        columns=mapped,
        detected_format=export,
    )


def _order(position: dict[str, int], problem: Problem) -> tuple[bool, int, int]:
    return (
        problem.row is not None,
        problem.row or 0,
        position.get(problem.column or "", len(position)),
    )


def _normaliser(field: str, header: str, export: str, raw: list[str]) -> Callable[[str], object]:
    if field in ("ram_gb", "storage_gb"):
        texts = {text.strip() for text in set(raw)}
        return values.amount_normaliser(
            field, column_unit(header, export), texts, zero_is_blank=export in MDM_EXPORTS
        )
    if field == "year":
        return values.year_normaliser(datetime.date.today().year)
    if field == "screen_inches":
        unit = column_unit(header, export)
        return functools.partial(values.screen_inches, default_unit=unit or "inches")
    return PLAIN_NORMALISERS[field]


class _Check:
    """The problems found so far, and which rows (by index) they fall on."""

    def __init__(self, table: Table, limits: Limits):
        self.table = table
        self.numbers = table.row_numbers
        self.limits = limits
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = list(table.warnings)
        self.bad_rows: set[int] = set()
        self.bad_by_field: dict[str | None, set[int]] = {}
        self.duplicate_rows: set[int] = set()
        self.existing_rows: set[int] = set()

    def error(self, index: int, column: str, message: str, field: str | None) -> None:
        self.errors.append(Problem(self.numbers[index], column, message, field))
        self.bad_rows.add(index)
        self.bad_by_field.setdefault(field, set()).add(index)

    def raw(self, index: int) -> list[str]:
        return list(map(itemgetter(index), self.table.rows))

    def table_problems(self, problems: list[Problem], mapped: dict[str, str | None]) -> None:
        """Problems found while reading (formula cells), for the columns that are used."""
        if not problems:
            return
        index_of = {number: index for index, number in enumerate(self.numbers)}
        for problem in problems:
            field = mapped.get(problem.column or "")
            if problem.column is not None and field is None:
                continue
            self.errors.append(problem._replace(field=field))
            if problem.row in index_of:
                self.bad_rows.add(index_of[problem.row])

    def column(
        self, field: str, header: str, raw: list[str], normaliser: Callable[[str], object]
    ) -> list:
        """Each cell of one column normalised; problems recorded against their rows."""
        limit = self.limits.max_cell_chars
        keeps = FIELD_MAX_CHARS.get(field)  # what the field holds once normalised
        blank_words, blank_starts = values.BLANK_WORDS, _BLANK_STARTS
        cache: dict[str, object] = {}
        bad: dict[str, str] = {}
        noted: dict[str, str] = {}
        formula_like: dict[str, str] = {}
        for text in set(raw):
            stripped = text.strip()
            if not stripped or (stripped[0] in blank_starts and stripped.casefold() in blank_words):
                cache[text] = None
                continue
            if len(text) > limit:
                cache[text] = None
                bad[text] = messages.TOO_LONG.format(limit=limit)
                continue
            if stripped[0] in _FORMULA_STARTS and _FORMULA_LIKE.match(stripped):
                formula_like[text] = messages.FORMULA_LIKE.format(char=stripped[0])
            try:
                cache[text] = normaliser(stripped)
            except values.Noted as note:
                cache[text] = note.value
                noted[text] = note.message
            except values.Invalid as invalid:
                cache[text] = None
                bad[text] = invalid.message
            if keeps is not None and cache[text] is not None and len(cache[text]) > keeps:
                cache[text] = None
                bad[text] = messages.TOO_LONG.format(limit=keeps)
        if bad or noted or formula_like:
            for index, text in enumerate(raw):
                if text in bad:
                    self.error(index, header, bad[text], field)
                for notes in (noted, formula_like):
                    if text in notes:
                        self.warnings.append(
                            Problem(self.numbers[index], header, notes[text], field)
                        )
        return list(map(cache.__getitem__, raw))

    def device_types(
        self, found: dict[str, list], chosen: dict[str, str], default_type: str | None
    ) -> None:
        """Each row's device type (from its cell, its model, its OS or the default) and make
        (from its cell, else from its model)."""
        count = len(self.numbers)
        os_header, identifier_header = hint_columns(self.table.headers)
        position = {header: index for index, header in enumerate(self.table.headers)}

        def hint(header: str | None) -> list:
            return self.raw(position[header]) if header else [None] * count

        rows = zip(
            found.get("device_type") or [None] * count,
            found.get("make") or [None] * count,
            found.get("model") or [None] * count,
            hint(identifier_header),
            hint(os_header),
            strict=True,
        )
        keys = list(rows)
        resolved = {key: _resolve(*key, default_type) for key in set(keys)}
        answers = list(map(resolved.__getitem__, keys))
        found["device_type"] = list(map(itemgetter(0), answers))
        found["make"] = list(map(itemgetter(2), answers))
        if any(error for _, error, _ in resolved.values()):
            column = chosen.get("device_type", FIELD_LABELS["device_type"])
            unreadable = self.bad_by_field.get("device_type", set())
            for index, (_, error, _) in enumerate(answers):
                if error and index not in unreadable:
                    self.error(index, column, error, "device_type")

    def identifiers(
        self, found: dict[str, list], chosen: dict[str, str], existing: Existing | None
    ) -> None:
        """Rows with no identifier; identifiers repeated in the file or already known."""
        present = [field for field in IDENTIFIERS if field in found]
        if not present:
            return
        if all(None in found[field] for field in present):
            unreadable = set().union(*(self.bad_by_field.get(field, ()) for field in present))
            column = chosen[present[0]]
            for index, ids in enumerate(zip(*(found[field] for field in present), strict=True)):
                if not any(ids) and index not in unreadable:
                    self.error(index, column, messages.NO_IDENTIFIER, present[0])
        for field in present:
            self._duplicates(field, chosen[field], found[field])
            if existing is not None:
                self._existing(field, chosen[field], found[field], existing)

    def _keys(self, field: str, column: list) -> list:
        if field != "asset_tag":
            return column
        # Normalised tags have single spaces already, so this is IDENTIFIER_KEYS' answer, faster.
        keys = {value: value.replace(" ", "").casefold() for value in set(column) if value}
        return [keys.get(value) for value in column]

    def _duplicates(self, field: str, header: str, column: list) -> None:
        keys = self._keys(field, column)
        blanks = keys.count(None)
        if len(set(keys)) - (1 if blanks else 0) == len(keys) - blanks:
            return
        label = FIELD_LABELS[field]
        first: dict[str, int] = {}
        for index, key in enumerate(keys):
            if key is None:
                continue
            earlier = first.setdefault(key, index)
            if earlier != index:
                message = messages.DUPLICATE.format(
                    label=label, value=column[index], row=self.numbers[earlier]
                )
                self.error(index, header, message, field)
                self.duplicate_rows.add(index)

    def _existing(self, field: str, header: str, column: list, existing: Existing) -> None:
        distinct = list(dict.fromkeys(value for value in column if value))
        if not distinct:
            return
        key = IDENTIFIER_KEYS[field]
        known = {key(value) for value in existing(field, distinct)}
        if not known:
            return
        label = FIELD_LABELS[field]
        for index, value in enumerate(column):
            if value and key(value) in known:
                self.error(index, header, messages.EXISTING.format(label=label, value=value), field)
                self.existing_rows.add(index)


def _resolve(
    given: str | None,
    make: str | None,
    model: str | None,
    identifier: str | None,
    os_text: str | None,
    default_type: str | None,
) -> tuple[str | None, str | None, str | None]:
    device_type, error = values.resolve_type(
        given, model, identifier or None, os_text, default_type
    )
    if make is None:
        make = values.model_hint(model)[1] or values.model_hint(identifier)[1]
    return device_type, error, make

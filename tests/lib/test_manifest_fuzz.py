"""Whatever a donor uploads, the manifest import answers with a Table, a Result or a
ManifestError, never anything else."""

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lib.manifest import FIELDS, ManifestError, Result, Table, parse_manifest, read_table, validate
from lib.manifest.samples import generate_rows, to_csv_bytes, to_xlsx_bytes

SAMPLES = Path(__file__).parent / "manifest_samples"
SAMPLE_FILES = sorted(path.read_bytes() for path in SAMPLES.glob("*.csv"))
WORKBOOK = to_xlsx_bytes(*generate_rows(5, seed=3, flavour="plain"))

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any text a spreadsheet cell could hold; NUL and lone surrogates cannot be in a text file.
cell_text = st.text(
    st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=30
)
tables = st.lists(st.lists(cell_text, max_size=8), min_size=1, max_size=12)


def read_or_refuse(data: bytes, filename: str) -> None:
    try:
        table = read_table(data, filename)
    except ManifestError as error:
        refusal = str(error)
        table = None
    if table is None:
        assert refusal
    else:
        assert isinstance(table, Table)
        assert all(len(row) == len(table.headers) for row in table.rows)


@FUZZ
@given(data=st.binary(max_size=2000), filename=st.sampled_from(["a.csv", "a.xlsx", "a.xls", ""]))
def test_arbitrary_bytes_are_a_table_or_a_manifest_error(data, filename):
    read_or_refuse(data, filename)


@FUZZ
@given(
    sample=st.sampled_from([*SAMPLE_FILES, WORKBOOK]),
    where=st.integers(min_value=0),
    value=st.integers(min_value=0, max_value=255),
    cut=st.booleans(),
)
def test_damaged_samples_and_workbooks_are_a_table_or_a_manifest_error(sample, where, value, cut):
    at = where % len(sample)
    damaged = sample[:at] if cut else sample[:at] + bytes([value]) + sample[at + 1 :]

    read_or_refuse(damaged, "damaged.xlsx" if sample is WORKBOOK else "damaged.csv")


@FUZZ
@given(rows=tables, delimiter=st.sampled_from([",", ";", "\t"]))
def test_parse_manifest_answers_any_table_of_text_with_a_result(rows, delimiter):
    first = rows[0][0] if rows[0] else ""
    assume(not first.startswith(("%PDF", "{\\rtf", "PK\x03\x04", "PK\x05\x06")))

    result = parse_manifest(to_csv_bytes(rows[0], rows[1:], delimiter=delimiter), "fuzz.csv")

    assert isinstance(result, Result)
    assert 0 <= result.accepted <= result.rows
    assert all(problem.message for problem in result.errors + result.warnings)


@FUZZ
@given(
    rows=tables,
    mapping=st.lists(st.sampled_from([*FIELDS, None]), max_size=8),
    default_type=st.sampled_from([None, "laptop", "other"]),
)
def test_validate_answers_any_table_and_mapping_with_a_result(rows, mapping, default_type):
    table = Table(rows[0], rows[1:])
    columns = dict(zip(table.headers, mapping, strict=False))

    result = validate(
        table, columns, default_type=default_type, existing=lambda field, found: set(found[:1])
    )

    assert len(result.items) == result.rows == len(table.rows)
    assert result.ok == (not result.errors)

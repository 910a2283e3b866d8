"""The opportunity estimator: calibrated to the seeds' snapshot, ordered low ≤ central ≤ high,
strict about its inputs, and reading employer lists with every problem by row and column."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib import opportunity as o
from lib.manifest import ManifestError
from lib.manifest.samples import to_xlsx_bytes

SNAPSHOT_AVAILABLE = 131_275
SNAPSHOT_REHOMED = 37_842


def within(value: float, target: float, tolerance: float = 0.005) -> bool:
    return abs(value - target) <= tolerance * target


def test_240000_employees_over_four_years_match_the_west_midlands_snapshot():
    estimate = o.estimate(employees=240_000, years=4)
    assert within(estimate.central.devices_available, SNAPSHOT_AVAILABLE)
    assert within(estimate.central.devices_rehomed, SNAPSHOT_REHOMED)
    assert estimate.central == o.Figures(131_328, 37_822)


def test_the_calibration_reproduces_the_snapshots_ratios():
    estimate = o.estimate(employees=240_000, years=4)
    per_employee = estimate.central.devices_available / 240_000
    rehomed_share = estimate.central.devices_rehomed / estimate.central.devices_available
    assert round(per_employee, 3) == 0.547
    assert round(rehomed_share, 3) == 0.288


def test_available_is_the_product_of_the_factors_and_rehomed_a_share_of_it():
    estimate = o.estimate(
        employees=1_000,
        years=6,
        overrides={
            "devices_per_employee": 2,
            "refresh_years": 3,
            "share_released": 0.5,
            "share_reusable": 0.25,
        },
    )
    assert estimate.central == o.Figures(2_000, 500)  # 1000 * 2 * (6 / 3) * 0.5, * 0.25


def test_an_edited_factor_moves_its_low_and_high_in_proportion():
    sets = o.assumption_sets({"devices_per_employee": 2.4})
    assert sets["central"].devices_per_employee == 2.4
    assert sets["low"].devices_per_employee == pytest.approx(2.4 * o.LOW.devices_per_employee / 1.2)
    assert sets["high"].devices_per_employee == pytest.approx(
        2.4 * o.HIGH.devices_per_employee / 1.2
    )
    assert sets["low"].share_released == o.LOW.share_released  # unedited: the default


def test_an_edited_share_never_goes_above_one():
    sets = o.assumption_sets({"share_released": 0.95, "share_reusable": 1})
    assert sets["high"].share_released == 1
    assert sets["high"].share_reusable == 1


employees = st.integers(min_value=0, max_value=10_000_000)
years = st.floats(min_value=0.1, max_value=50, allow_nan=False)
maybe = st.one_of


@given(
    employees=employees,
    years=years,
    devices=maybe(st.none(), st.floats(min_value=0, max_value=20)),
    refresh=maybe(st.none(), st.floats(min_value=0.25, max_value=20)),
    released=maybe(st.none(), st.floats(min_value=0, max_value=1)),
    reusable=maybe(st.none(), st.floats(min_value=0, max_value=1)),
)
def test_low_is_never_above_central_nor_central_above_high(
    employees, years, devices, refresh, released, reusable
):
    estimate = o.estimate(
        employees=employees,
        years=years,
        overrides={
            "devices_per_employee": devices,
            "refresh_years": refresh,
            "share_released": released,
            "share_reusable": reusable,
        },
    )
    for output in ("devices_available", "devices_rehomed"):
        low, central, high = (getattr(f, output) for _, f in estimate.scenarios)
        assert 0 <= low <= central <= high
    for _, figures in estimate.scenarios:
        assert figures.devices_rehomed <= figures.devices_available


@pytest.mark.parametrize(
    ("inputs", "field", "message"),
    [
        ({"employees": -1}, "employees", o.NEGATIVE.format(label="Employees")),
        ({"years": -2}, "years", o.NEGATIVE.format(label="Years")),
        ({"years": 0}, "years", o.NOT_POSITIVE.format(label="Years")),
        (
            {"refresh_years": 0},
            "refresh_years",
            o.NOT_POSITIVE.format(label="Refresh cycle (years)"),
        ),
        (
            {"devices_per_employee": -0.5},
            "devices_per_employee",
            o.NEGATIVE.format(label="Devices per employee"),
        ),
        (
            {"share_released": 1.2},
            "share_released",
            o.SHARE_RANGE.format(label="Share released"),
        ),
        (
            {"share_reusable": -0.1},
            "share_reusable",
            o.SHARE_RANGE.format(label="Share reusable and donated"),
        ),
        (
            {"employees": 20_000_000},
            "employees",
            o.TOO_LARGE.format(label="Employees", limit=10_000_000),
        ),
        (
            {"share_released": float("nan")},
            "share_released",
            "Share released 'nan' is not a number.",
        ),
    ],
)
def test_bad_inputs_are_refused_with_a_clear_message(inputs, field, message):
    arguments = {"employees": 100, "years": 4, **inputs}
    employees, period = arguments.pop("employees"), arguments.pop("years")
    with pytest.raises(o.EstimateError) as refused:
        o.estimate(employees=employees, years=period, overrides=arguments)
    assert refused.value.problems == {field: message}


def test_every_bad_input_is_named_at_once():
    with pytest.raises(o.EstimateError) as refused:
        o.estimate(employees=-1, years=4, overrides={"refresh_years": 0, "share_released": 2})
    assert set(refused.value.problems) == {"employees", "refresh_years", "share_released"}


def test_the_json_shape_has_the_central_figures_on_top():
    data = o.estimate(employees=240_000, years=4).as_dict()
    assert data["devices_available"] == 131_328
    assert data["devices_rehomed"] == 37_822
    assert set(data["low"]) == set(data["high"]) == {"devices_available", "devices_rehomed"}
    assert set(data["assumptions"]) == {"low", "central", "high"}
    assert data["assumptions"]["central"] == o.CENTRAL.as_dict()


# --- Employer lists -----------------------------------------------------------------------


def test_an_employer_list_gives_each_employers_estimate_and_the_total():
    found = o.read_employers(
        b"Name,Employees,Sector,Share released\r\n"
        b'Acme Foundry,"1,000",Manufacturing,50%\r\n'
        b"Brum Bank,2000,Finance,\r\n",
        "employers.csv",
    )
    assert found.ok, found.errors
    acme, bank = found.employers
    assert (acme.row, acme.name, acme.employees, acme.sector) == (
        2,
        "Acme Foundry",
        1000,
        "Manufacturing",
    )
    assert acme.overrides == {"share_released": 0.5}
    assert bank.overrides == {}
    total = o.total(found.employers)
    assert total.employees == 3000
    assert total.central.devices_available == sum(
        e.central.devices_available for _, e in total.rows
    )
    assert total.rows[0][1].central.devices_available == 600  # 1000 * 1.2 * 1 * 0.5


def test_every_problem_in_an_employer_list_is_named_by_row_and_column_in_one_pass():
    found = o.read_employers(
        b"name,employees,sector,refresh_years,share_reusable\n"
        b"Acme,-3,,0,\n"
        b",12.5,Retail,,1.5\n"
        b"Bolt,lots,,,\n"
        b"acme,10,,,\n"
        b"Cog,,,,\n"
    )
    assert not found.ok
    assert found.employers == []
    assert [(p.row, p.column, p.message) for p in found.errors] == [
        (2, "employees", o.NEGATIVE.format(label="Employees")),
        (2, "refresh_years", o.NOT_POSITIVE.format(label="Refresh cycle (years)")),
        (3, "name", o.NO_NAME),
        (3, "employees", o.NOT_WHOLE.format(label="Employees", value="12.5")),
        (3, "share_reusable", o.SHARE_RANGE.format(label="Share reusable and donated")),
        (4, "employees", o.NOT_A_NUMBER.format(label="Employees", value="lots")),
        (5, "name", o.DUPLICATE_NAME.format(name="acme", row=2)),
        (6, "employees", o.NO_EMPLOYEES),
    ]


def test_a_list_without_the_required_columns_says_which_to_add():
    found = o.read_employers(b"Company,Sector\nAcme,Retail\n")
    assert [(p.row, p.message) for p in found.errors] == [
        (None, o.MISSING_COLUMN.format(label="employees", column="employees"))
    ]


def test_common_headings_are_recognised_and_unknown_columns_noted():
    found = o.read_employers(b"Employer;Headcount;Industry;Notes\nAcme;120;Retail;call Jo\n")
    assert found.ok
    assert found.employers[0].employees == 120
    assert found.employers[0].sector == "Retail"
    assert [w.message for w in found.warnings] == [o.UNKNOWN_COLUMN.format(column="Notes")]


def test_an_empty_list_is_a_problem():
    assert [p.message for p in o.read_employers(b"name,employees\n").errors] == [o.EMPTY_FILE]


def test_an_employer_list_may_be_a_workbook():
    data = to_xlsx_bytes(
        ["name", "employees", "sector", "devices_per_employee"],
        [["Acme", 240, "Retail", 1.5], ["Bolt", 10.0, "", None]],
        sheet="Employers",
    )
    found = o.read_employers(data, "employers.xlsx")
    assert found.ok, found.errors
    assert [(e.name, e.employees, e.overrides) for e in found.employers] == [
        ("Acme", 240, {"devices_per_employee": 1.5}),
        ("Bolt", 10, {}),
    ]


def test_a_file_that_is_not_a_spreadsheet_is_refused_whole():
    with pytest.raises(ManifestError):
        o.read_employers(b"%PDF-1.7 ...", "employers.pdf")

"""`manage.py estimate_opportunity`: the estimator from the command line, as text or JSON."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lib import opportunity as estimator


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("estimate_opportunity", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_gives_the_calibrated_central_figures_with_low_high_and_assumptions():
    out, _ = _run("--employees", "240000", "--years", "4", "--json")
    data = json.loads(out)
    assert data["devices_available"] == 131_328
    assert data["devices_rehomed"] == 37_822
    assert data["low"] == {"devices_available": 76_800, "devices_rehomed": 16_896}
    assert data["high"] == {"devices_available": 211_200, "devices_rehomed": 73_920}
    assert data["assumptions"]["central"] == estimator.CENTRAL.as_dict()


def test_every_factor_can_be_changed():
    out, _ = _run(
        "--employees=1000",
        "--years=6",
        "--devices-per-employee=2",
        "--refresh-years=3",
        "--share-released=0.5",
        "--share-reusable=0.25",
        "--json",
    )
    assert json.loads(out)["devices_available"] == 2000
    assert json.loads(out)["devices_rehomed"] == 500


def test_text_output_lists_the_three_scenarios():
    out, _ = _run("--employees", "240000", "--years", "4")
    assert "240,000 employees over 4 years:" in out
    assert "131,328 devices available" in out


def test_a_list_of_employers_gives_totals_and_each_row(tmp_path):
    path = tmp_path / "employers.csv"
    path.write_text("name,employees,sector\nAcme,1000,Retail\nBolt,2000,Finance\n")
    out, _ = _run("--employers", str(path), "--years", "4", "--json")
    data = json.loads(out)
    assert data["employees"] == 3000
    assert [row["name"] for row in data["employers"]] == ["Acme", "Bolt"]
    assert [row["devices_available"] for row in data["employers"]] == [547, 1094]
    assert data["devices_available"] == 547 + 1094
    assert set(data["assumptions"]) == {"low", "central", "high"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--employees", "-5"], "Employees cannot be negative."),
        (
            ["--employees", "5", "--refresh-years", "0"],
            "Refresh cycle (years) must be more than 0.",
        ),
        (["--employees", "5", "--share-released", "1.5"], "Share released must be between 0 and 1"),
        ([], "Give either --employees N or --employers PATH."),
    ],
)
def test_bad_input_is_an_error(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _run(*args)


def test_a_list_with_problems_names_them_and_fails(tmp_path):
    path = tmp_path / "employers.csv"
    path.write_text("name,employees\nAcme,-1\n,3\n")
    with pytest.raises(CommandError, match="2 problems in"):
        _run("--employers", str(path))


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run("--employers", str(tmp_path / "nope.csv"))

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from regions.management.commands.load_region import Command
from regions.models import Region
from regions.packs import DEFAULT_PACK
from tests.lib.pack_files import NORTHSHIRE_AREAS, feature_collection, square, write_pack

pytestmark = pytest.mark.django_db


def load_region(path) -> str:
    out = StringIO()
    call_command("load_region", str(path), stdout=out)
    return out.getvalue()


def test_it_loads_the_shipped_pack_and_says_what_it_did():
    assert load_region(DEFAULT_PACK) == "Loaded West Midlands: 7 areas (7 new, 0 updated)\n"
    assert Region.objects.get().areas.count() == 7


def test_loading_again_reports_no_changes():
    load_region(DEFAULT_PACK)

    assert load_region(DEFAULT_PACK) == "Loaded West Midlands: 7 areas (0 new, 0 updated)\n"


def test_it_counts_updated_and_removed_areas(tmp_path):
    load_region(write_pack(tmp_path / "before"))
    areas = "code,name,population\nE07000901,Fellside,82500\n"
    boundaries = feature_collection({"E07000901": square(-2.0, 54.0)})
    folder = write_pack(tmp_path / "after", areas=areas, boundaries=boundaries)

    assert load_region(folder) == "Loaded Northshire: 1 area (0 new, 1 updated, 1 removed)\n"


def test_a_broken_pack_prints_every_problem_and_loads_nothing(tmp_path):
    areas = NORTHSHIRE_AREAS.replace("81000", "81k").replace("E07000902", "E0700902")
    err = StringIO()

    with pytest.raises(CommandError, match=r"Nothing was loaded: the pack at .* has 3 problems\."):
        call_command("load_region", str(write_pack(tmp_path, areas=areas)), stderr=err)

    assert err.getvalue().splitlines() == [
        'areas.csv row 2, column "population": "81k" is not a whole number',
        'areas.csv row 3, column "code": "E0700902" is not an ONS code '
        "(E, W, S or N and eight digits)",
        'boundaries.geojson feature 2 ("E07000902"): is not in areas.csv',
    ]
    assert not Region.objects.exists()


def test_a_broken_pack_exits_with_a_non_zero_status(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "load_region", "--skip-checks", str(tmp_path)])

    assert exited.value.code == 1
    assert f"region.toml: not found in {tmp_path}" in capsys.readouterr().err

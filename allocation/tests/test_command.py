"""`manage.py allocate`: a plan over the database, a committed run, or a JSON instance alone."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from referrals.models import State

INSTANCE = {
    "devices": [
        {"id": 1, "type": "laptop", "tier": 2, "area": "A", "ring_fenced": False},
        {"id": 2, "type": "laptop", "tier": 1, "area": "B", "ring_fenced": True},
    ],
    "referrals": [
        {
            "id": "r1",
            "area": "A",
            "accepts": ["laptop"],
            "min_tier": 1,
            "priority": 2,
            "referred_on": "2026-01-05",
        },
        {
            "id": "r2",
            "area": "B",
            "accepts": ["laptop", "tablet"],
            "min_tier": 1,
            "priority": 1,
            "referred_on": "2026-03-01",
        },
        {
            "id": "r3",
            "area": "B",
            "accepts": ["laptop"],
            "min_tier": 2,
            "priority": 1,
            "referred_on": "2026-02-01",
        },
    ],
    "weights": {"A": 1, "B": 1.5},
}


def _run(*args) -> dict:
    out = StringIO()
    call_command("allocate", *args, stdout=out)
    return json.loads(out.getvalue())


def test_a_json_instance_is_solved_without_a_database(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(INSTANCE))
    plan = _run("--instance", str(path), "--json")
    # Raising A from nothing beats giving B both: the regional laptop goes to A.
    assert plan["assignments"] == [[1, "r1"], [2, "r2"]]
    assert plan["by_area"]["B"]["weighted_fill_rate"] == pytest.approx(1 / 3)
    assert plan["unserved_referrals"] == ["r3"]
    assert set(plan) >= {"policy", "matches", "by_area", "unallocated_devices"}


def test_a_broken_instance_says_where(tmp_path):
    path = tmp_path / "instance.json"
    path.write_text(json.dumps({**INSTANCE, "devices": [{"id": 1, "type": "laptop"}]}))
    with pytest.raises(CommandError, match=r"devices\[0\] has no tier"):
        _run("--instance", str(path), "--json")
    with pytest.raises(CommandError, match="not available"):
        _run("--instance", str(path), "--policy", "1999.1")


def test_dry_run_plans_and_commit_applies(lab, refer, personas):
    lab.device(state="ready", year=2025)
    referral = refer()
    plan = _run("--dry-run", "--json")
    assert len(plan["matches"]) == 1
    assert plan["by_area"]["E08000025"]["waiting"] == 1
    referral.refresh_from_db()
    assert referral.state == State.WAITING
    result = _run("--commit", "--json")
    assert (result["matches"], result["skipped"]) == (1, 0)
    referral.refresh_from_db()
    assert referral.state == State.ALLOCATED

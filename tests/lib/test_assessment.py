"""The assessment guide's pure verdict, under the shipped rules (version 1)."""

import copy
import datetime
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.assessment import (
    BATTERY,
    DATA_WIPED,
    DEVICE_TYPES,
    KEYBOARD,
    LOCKS,
    OPERATING_SYSTEMS,
    SCREEN,
    STORAGE_TYPES,
    VERDICTS,
    YES_NO,
    DeviceFacts,
    Rules,
    assess,
    describe_condition,
    parse_cpu,
    rules_problems,
)

TODAY = datetime.date(2026, 6, 1)
DEFAULT = json.loads(
    (Path(__file__).parents[2] / "assessment" / "default_rules.json").read_text(encoding="utf-8")
)
RULES = Rules(1, DEFAULT)

# A sound, unlocked, up-to-date device; each case below changes what makes it different.
SOUND = DeviceFacts(
    device_type="laptop",
    year=2019,
    cpu="Intel Core i5-8250U",
    ram_gb=8,
    storage_type="ssd",
    storage_gb=256,
    powers_on=True,
    battery="good",
    screen="ok",
    keyboard="ok",
    operating_system="windows_11",
    security_updates="yes",
    tpm="yes",
    locks=(),
    data_wiped="no",
)
PHONE = replace(
    SOUND,
    device_type="smartphone",
    cpu="",
    ram_gb=4,
    storage_type="emmc",
    storage_gb=64,
    operating_system="android",
)
TABLET = replace(PHONE, device_type="tablet", operating_system="ios", year=2022)

CASES = [
    # (what, facts, verdict, recommended system or None)
    ("2019 Intel i5 8th gen, 8 GB, SSD, Windows 11", SOUND, "give_as_is", "windows-11"),
    (
        "the same laptop still on Windows 10: upgrade it",
        replace(SOUND, operating_system="windows_10", security_updates="no"),
        "refurbish",
        "windows-11",
    ),
    # 12 years old is within the rules' 12-year limit for computers; its 4th-generation Core i5
    # cannot run Windows 11, but 4 GB meets ChromeOS Flex's minimum. The hard disk and Windows
    # 10 both need work first, so: refurbish, with ChromeOS Flex (or Linux if not certified).
    (
        "2014 laptop, 4 GB, hard disk, Windows 10",
        replace(
            SOUND,
            year=2014,
            cpu="Intel Core i5-4300U",
            ram_gb=4,
            storage_type="hdd",
            storage_gb=500,
            operating_system="windows_10",
            security_updates="no",
            battery="worn",
        ),
        "refurbish",
        "chromeos-flex",
    ),
    (
        "2014 laptop with 2 GB: only a lightweight Linux",
        replace(
            SOUND,
            year=2014,
            cpu="Intel Celeron N2840",
            ram_gb=2,
            storage_type="hdd",
            storage_gb=320,
            operating_system="windows_10",
        ),
        "refurbish",
        "lightweight-linux",
    ),
    (
        "a Chromebook past its auto update expiration",
        replace(
            SOUND,
            year=2017,
            cpu="Intel Celeron N3350",
            ram_gb=4,
            storage_type="emmc",
            storage_gb=32,
            operating_system="chromeos",
            updates_until=datetime.date(2023, 6, 30),
        ),
        "recycle",
        None,
    ),
    (
        "a Chromebook with updates until 2029",
        replace(
            SOUND,
            year=2022,
            cpu="Intel Celeron N4500",
            ram_gb=4,
            storage_type="emmc",
            storage_gb=64,
            operating_system="chromeos",
            updates_until=datetime.date(2029, 6, 30),
        ),
        "give_as_is",
        "keep-chromeos",
    ),
    ("a 2016 phone", replace(PHONE, year=2016, security_updates="unknown"), "recycle", None),
    # Some makers now promise seven years of updates: what the holder says comes first.
    (
        "a 7-year-old phone its holder says still gets updates",
        replace(PHONE, year=2019),
        "give_as_is",
        "keep-phone-system",
    ),
    ("a 2023 phone, updates known", replace(PHONE, year=2023), "give_as_is", "keep-phone-system"),
    (
        "a tablet locked to the donor's Apple ID",
        replace(TABLET, locks=("apple_activation_lock",)),
        "unlock_first",
        "keep-phone-system",
    ),
    (
        "a laptop enrolled in the donor's device management",
        replace(SOUND, locks=("mdm",)),
        "unlock_first",
        "windows-11",
    ),
    ("locks not checked", replace(SOUND, locks=("unknown",)), "refurbish", "windows-11"),
    ("a laptop with a cracked screen", replace(SOUND, screen="cracked"), "refurbish", "windows-11"),
    (
        "a phone whose screen does not work",
        replace(PHONE, year=2023, screen="broken"),
        "parts",
        None,
    ),
    ("a laptop that does not switch on", replace(SOUND, powers_on=False), "parts", None),
    (
        "a laptop with a poor battery",
        replace(SOUND, battery_health_pct=45, battery="unknown"),
        "refurbish",
        "windows-11",
    ),
    ("a tablet with a poor battery", replace(TABLET, battery="poor"), "parts", None),
    ("1 GB of memory", replace(SOUND, ram_gb=1), "recycle", None),
    (
        "a 2009 desktop",
        replace(SOUND, device_type="desktop", year=2009, battery="none"),
        "recycle",
        None,
    ),
    (
        "a wiped 2020 Ryzen desktop with no system",
        replace(
            SOUND,
            device_type="desktop",
            year=2020,
            cpu="AMD Ryzen 5 3400G",
            operating_system="none",
            battery="none",
            data_wiped="certificate",
        ),
        "refurbish",
        "windows-11",
    ),
    (
        "an Apple silicon MacBook on macOS",
        replace(SOUND, year=2021, cpu="Apple M1", operating_system="macos", tpm="unknown"),
        "give_as_is",
        "keep-macos",
    ),
    (
        "nothing known but the type: the guide says what to check",
        DeviceFacts(device_type="laptop"),
        "refurbish",
        "lightweight-linux",
    ),
]


@pytest.mark.parametrize(
    ("facts", "verdict", "system"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_representative_devices_get_the_expected_verdict(facts, verdict, system):
    found = assess(facts, RULES, today=TODAY)
    assert found.verdict == verdict, found.reasons
    assert (found.recommended_os.key if found.recommended_os else None) == system
    assert found.reasons
    assert found.rules_version == 1
    assert any("NIST SP 800-88" in advice for advice in found.data_advice)


def test_the_most_serious_reason_comes_first():
    found = assess(
        replace(PHONE, year=2016, screen="cracked", security_updates="unknown"), RULES, today=TODAY
    )
    assert found.verdict == "recycle"
    assert found.reasons[0].startswith("At 10 years old")
    assert any("cracked" in reason for reason in found.reasons)


def test_a_laptop_already_on_windows_11_keeps_it_when_its_storage_is_not_known():
    found = assess(replace(SOUND, storage_gb=None), RULES, today=TODAY)
    assert found.recommended_os.key == "keep-windows-11"


def test_a_device_nobody_has_wiped_is_given_only_once_wiped():
    assert assess(SOUND, RULES, today=TODAY).label == "Give it as it is, once it has been wiped"
    wiped = assess(replace(SOUND, data_wiped="certificate"), RULES, today=TODAY)
    assert wiped.label == "Give it as it is"


def test_a_device_whose_condition_nobody_has_checked_is_not_given_as_it_is():
    found = assess(replace(SOUND, screen="unknown", battery="unknown"), RULES, today=TODAY)
    assert found.verdict == "refurbish"
    assert any("screen" in reason and "battery" in reason for reason in found.reasons)


def test_data_advice_follows_the_storage_the_verdict_and_the_certificate():
    laptop = assess(SOUND, RULES, today=TODAY).data_advice
    assert any("sanitize or secure-erase" in a for a in laptop)
    assert any("accredited partner" in a for a in laptop)
    recycled = assess(replace(SOUND, powers_on=False, data_wiped="certificate"), RULES, today=TODAY)
    assert any("physically destroyed" in a for a in recycled.data_advice)
    assert any("keep it with the device's record" in a for a in recycled.data_advice)
    assert not any("Ask the donor for the certificate" in a for a in recycled.data_advice)


@pytest.mark.parametrize(
    ("text", "family", "generation"),
    [
        ("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", "intel_core", 8),
        ("Intel Core i7-1165G7", "intel_core", 11),
        ("i5-10210U", "intel_core", 10),
        ("Intel Core i3-7100U", "intel_core", 7),
        ("i5-520M", "intel_core", 1),
        ("Intel Core i5 8th Gen", "intel_core", 8),
        ("Intel Core m3-7Y30", "intel_core", 7),
        ("Intel Core Ultra 5 125U", "intel_core", 14),
        ("AMD Ryzen 5 3500U with Radeon Vega", "amd_ryzen", 3),
        ("AMD Ryzen 7 PRO 2700U", "amd_ryzen", 2),
        ("AMD Ryzen 5 1600", "amd_ryzen", 1),
        ("AMD A6-9220", "amd_other", None),
        ("Apple M2 Pro", "apple_silicon", 2),
        ("Intel Celeron N4000", "intel_low_power", None),
        ("Intel Atom x5-Z8350", "intel_low_power", None),
        ("Intel Core 2 Duo P8600", "intel_other", None),
        ("Qualcomm Snapdragon 8 Gen 2", "arm", None),
        ("", "unknown", None),
        ("a fast one", "unknown", None),
    ],
)
def test_processors_are_read_by_family_and_generation(text, family, generation):
    assert parse_cpu(text) == (family, generation)


def test_the_shipped_rules_have_no_problems():
    assert rules_problems(DEFAULT) == []


def test_every_problem_with_a_rule_table_says_where_and_what():
    table = copy.deepcopy(DEFAULT)
    table["rules"][0]["verdict"] = "bin"
    table["rules"][1]["when"] = {"fact": "ram", "lt": 2}
    table["rules"][2]["when"] = {"fact": "ram_gb", "lt": "four"}
    table["rules"][3]["when"] = {"fact": "device_type", "in": ["laptop", "phablet"]}
    table["rules"][4]["reason"] = "Only {storage} GB"
    table["rules"][5]["id"] = table["rules"][6]["id"]
    table["operating_systems"][0]["when"] = {"fact": "screen", "gte": "ok"}
    del table["otherwise"]["reason"]
    problems = rules_problems(table)
    assert problems == [
        "rules[0] (\"does-not-switch-on\").verdict: 'bin' is not a verdict; use one of "
        '"give_as_is", "parts", "recycle", "refurbish", "unlock_first"',
        f'rules[1] ("old-phone-or-tablet").when: "ram" is not a fact; {_facts()}',
        'rules[2] ("old-computer").when.lt: "ram_gb" is a number, so this must be a number',
        "rules[3] (\"too-little-memory\").when.in[1]: 'phablet' is not a value of "
        '"device_type"; use one of "desktop", "laptop", "other", "smartphone", "tablet"',
        'rules[4] ("too-little-storage").reason: "{storage}" is not a fact it can show; '
        + _facts(),
        'rules[6] ("chromebook-past-auto-update-expiration"): the id '
        '"chromebook-past-auto-update-expiration" is used twice in rules',
        'operating_systems[0] ("keep-phone-system").when: "gte" cannot test "screen"; use one '
        'of "eq", "in", "known", "ne", "not_in"',
        'otherwise: "reason" is missing',
    ]


def _facts():
    from lib.assessment import FACTS

    names = sorted(n for n, f in FACTS.items() if f.only_in is None)
    return "the facts are " + ", ".join(f'"{n}"' for n in names)


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ([], "The rule table: must be an object with"),
        ({**DEFAULT, "extra": 1}, '"extra" is not allowed here'),
        ({**DEFAULT, "rules": {}}, "rules: must be a list"),
        (
            {
                **DEFAULT,
                "rules": [{"id": "x", "when": {"all": []}, "verdict": "parts", "reason": "r"}],
            },
            'rules[0] ("x").when.all: must be a list of one or more conditions',
        ),
        (
            {
                **DEFAULT,
                "rules": [
                    {
                        "id": "x",
                        "when": {"fact": "year", "gt": 1, "lt": 3},
                        "verdict": "parts",
                        "reason": "r",
                    }
                ],
            },
            'rules[0] ("x").when: test "year" with exactly one of',
        ),
        (
            {
                **DEFAULT,
                "rules": [
                    {
                        "id": "x",
                        "when": {"fact": "verdict", "eq": "parts"},
                        "verdict": "parts",
                        "reason": "r",
                    }
                ],
            },
            '"verdict" is not a fact',
        ),
        (
            {
                **DEFAULT,
                "rules": [{"id": "x", "when": {}, "verdict": "parts", "reason": "a { brace"}],
            },
            "has a stray brace",
        ),
    ],
)
def test_malformed_tables_are_explained(table, problem):
    assert any(p.startswith(problem) or problem in p for p in rules_problems(table))


def test_conditions_read_as_words():
    assert describe_condition({}) == "always"
    assert (
        describe_condition(DEFAULT["rules"][1]["when"])
        == "device type is tablet or smartphone and age years is more than 6 and updates ended "
        "is not no (or not known)"
    )
    assert describe_condition({"fact": "ram_gb", "gte": 2, "if_unknown": True}) == (
        "ram gb is at least 2 (or not known)"
    )


optional_int = st.none() | st.integers(min_value=0, max_value=5000)
facts_strategy = st.builds(
    DeviceFacts,
    device_type=st.sampled_from(DEVICE_TYPES),
    make=st.text(max_size=10),
    model=st.text(max_size=10),
    year=st.none() | st.integers(min_value=1990, max_value=2026),
    cpu=st.sampled_from(
        ["", "Intel Core i5-8250U", "AMD Ryzen 3 2200U", "Apple M1", "Celeron", "?"]
    )
    | st.text(max_size=20),
    ram_gb=optional_int,
    storage_type=st.sampled_from(STORAGE_TYPES),
    storage_gb=optional_int,
    powers_on=st.none() | st.booleans(),
    battery=st.sampled_from(BATTERY),
    battery_health_pct=st.none() | st.integers(min_value=0, max_value=100),
    screen=st.sampled_from(SCREEN),
    keyboard=st.sampled_from(KEYBOARD),
    operating_system=st.sampled_from(OPERATING_SYSTEMS),
    security_updates=st.sampled_from(YES_NO),
    updates_until=st.none() | st.dates(datetime.date(2015, 1, 1), datetime.date(2035, 12, 31)),
    tpm=st.sampled_from(YES_NO),
    locks=st.just(("unknown",)) | st.lists(st.sampled_from(LOCKS), unique=True).map(tuple),
    data_wiped=st.sampled_from(DATA_WIPED),
)


@settings(max_examples=300, deadline=None)
@given(facts=facts_strategy)
def test_every_device_gets_a_verdict_with_at_least_one_reason(facts):
    found = assess(facts, RULES, today=TODAY)
    assert found.verdict in VERDICTS
    assert found.reasons
    assert all(reason.strip() and "{" not in reason for reason in found.reasons)
    assert found.data_advice
    assert found.rules_version == 1
    if found.verdict not in ("give_as_is", "refurbish", "unlock_first"):
        assert found.recommended_os is None
    if facts.powers_on is False:
        assert found.verdict in ("parts", "recycle")
    if set(facts.locks) & set(LOCKS):
        assert found.verdict in ("unlock_first", "parts", "recycle")


@settings(max_examples=100, deadline=None)
@given(facts=facts_strategy, verdict=st.sampled_from(VERDICTS))
def test_any_sound_table_gives_a_reason_even_when_no_rule_holds(facts, verdict):
    table = {**DEFAULT, "rules": [], "otherwise": {"verdict": verdict, "reason": "Default."}}
    assert rules_problems(table) == []
    found = assess(facts, Rules(7, table), today=TODAY)
    assert (found.verdict, found.reasons, found.rules_version) == (verdict, ["Default."], 7)


def test_facts_out_of_range_are_refused():
    with pytest.raises(ValueError, match="device_type"):
        DeviceFacts(device_type="toaster")
    with pytest.raises(ValueError, match="locks"):
        DeviceFacts(device_type="laptop", locks=("padlock",))

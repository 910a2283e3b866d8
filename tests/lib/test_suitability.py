import pytest

from lib.suitability import spec_tier


@pytest.mark.parametrize(
    ("device_type", "ram_gb", "storage_gb", "year", "tier"),
    [
        ("laptop", 16, 512, 2024, 3),
        ("laptop", 8, 256, 2022, 3),
        ("laptop", 8, 256, 2021, 2),  # five years old: no longer high
        ("laptop", 4, 128, 2020, 2),
        ("laptop", 4, 128, 2019, 1),  # seven years old
        ("desktop", 2, 32, 2022, 1),
        ("laptop", None, 256, 2024, 1),  # unknown RAM never promises more
        ("laptop", 8, 256, None, 1),  # nor an unknown year
        ("tablet", None, 128, 2025, 3),
        ("smartphone", None, 64, 2023, 2),
        ("smartphone", None, 64, 2022, 1),
    ],
)
def test_specification_tiers(device_type, ram_gb, storage_gb, year, tier):
    found = spec_tier(
        device_type=device_type, ram_gb=ram_gb, storage_gb=storage_gb, year=year, this_year=2026
    )
    assert found == tier

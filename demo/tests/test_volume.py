import datetime

from custody import ledger
from custody.models import CustodyEvent
from demo.volume import REFERENCE_PREFIX, seed_device_volume, summary
from devices.models import Device
from impact import tally
from organisations.services import organisation_create
from regions.models import Region

TODAY = datetime.date(2026, 11, 21)


def _region(personas) -> Region:
    """The personas' region with a few more donors, of which the volume has a long tail."""
    for n in range(5):
        organisation_create(
            region=personas.region,
            name=f"Volume Donor {n}",
            kinds=["donor"],
            areas_served=list(personas.region.areas.all()),
        )
    return personas.region


def test_a_volume_load_gives_intact_chains_and_tallies_that_match_a_recount(personas):
    region = _region(personas)
    devices, events = seed_device_volume(region=region, total=3000, today=TODAY)
    tally.rebuild()

    assert devices == 3000
    assert 4 * devices <= events <= 6 * devices  # about five events a device
    assert (
        CustodyEvent.objects.filter(device__batch__reference__startswith=REFERENCE_PREFIX).count()
        == events
    )
    verification = ledger.verify()
    assert verification.intact, verification.problems
    assert tally.check() == []


def test_a_volume_load_spreads_over_the_lifecycle_donors_areas_and_five_years(personas):
    region = _region(personas)
    seed_device_volume(region=region, total=3000, today=TODAY)

    states = summary(region)
    for state in (
        "received",
        "erased",
        "refurbished",
        "ready",
        "handed_over",
        "returned",
        "recycled",
    ):
        assert states.get(state, 0) > 0, state
    assert min(states["handed_over"], states["recycled"]) > states["ready"] > states["returned"]
    volume = Device.objects.filter(batch__reference__startswith=REFERENCE_PREFIX)
    assert volume.values("donor").distinct().count() >= 5
    assert volume.values("area_of_origin").distinct().count() >= 5
    assert volume.values("device_type").distinct().count() == 5
    years = {d.year for d in volume.values_list("created_at", flat=True)}
    assert set(range(TODAY.year - 4, TODAY.year + 1)) <= years  # five years back, no further
    assert min(years) >= TODAY.year - 5
    assert volume.filter(device_type="laptop", screen_inches__lt=13).exists()
    assert volume.filter(device_type="laptop", screen_inches__gt="15.6").exists()


def test_loading_again_adds_only_what_is_missing(personas):
    region = _region(personas)
    seed_device_volume(region=region, total=500, today=TODAY)

    assert seed_device_volume(region=region, total=500, today=TODAY) == (0, 0)
    added, _ = seed_device_volume(region=region, total=800, today=TODAY)
    assert added == 300
    assert Device.objects.filter(batch__reference__startswith=REFERENCE_PREFIX).count() == 800
    assert ledger.verify().intact

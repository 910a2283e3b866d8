"""The demo region's pipeline: employers at several stages, one showing actual devices."""

from demo.services import demo_seed
from opportunity import selectors
from opportunity.models import Prospect, Stage


def test_the_demo_has_employers_at_several_stages_and_one_with_devices_given(db):
    demo_seed()
    stages = set(Prospect.objects.values_list("stage", flat=True))
    assert {Stage.PROSPECT, Stage.CONTACTED, Stage.PLEDGED, Stage.DONATING} <= stages
    rows = {row.prospect.name: row for row in selectors.pipeline_rows(Prospect.objects.all())}
    donating = rows["Midland Mutual Building Society"]
    assert donating.prospect.stage == Stage.DONATING
    assert donating.received > 0
    assert donating.estimate.central.devices_available == 2_335  # 3200 * 1.6 * 1 * 0.456
    assert rows["Black Country Metals Ltd"].received is None  # not linked


def test_seeding_again_adds_no_employers(db):
    demo_seed()
    count = Prospect.objects.count()
    demo_seed()
    assert Prospect.objects.count() == count

"""Two coordinators committing overlapping runs at the same moment: every device and referral
is used at most once, whoever wins."""

import pytest

from allocation import services
from allocation.models import AllocationRun
from custody.ledger import verify
from devices.lifecycle import State as DeviceState
from devices.models import Device
from referrals.models import Referral, State
from tests.concurrency import race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("runs", [2, 4])
def test_overlapping_runs_committed_at_once_never_double_allocate(lab, refer, personas, runs):
    for _ in range(12):
        lab.device(state="ready", year=2025)
    for _n in range(10):
        refer()
        refer(vcse=personas.tipton, actor=personas.charlie, area="Sandwell")
    previews = [
        services.run_preview(
            personas.region, actor=personas.coordinator, organisation=personas.wmca
        )
        for _ in range(runs)
    ]

    def commit(run):
        return lambda: services.run_commit(
            AllocationRun.objects.get(pk=run.pk),
            actor=personas.coordinator,
            organisation=personas.wmca,
        )

    reports = [report for _, report in race([commit(run) for run in previews])]
    committed = sum(len(r.committed) for r in reports)
    assert committed == 12  # one run won every device; the others found them taken
    allocated = Referral.objects.filter(state=State.ALLOCATED)
    assert allocated.count() == 12
    assert len(set(allocated.values_list("device_id", flat=True))) == 12
    assert Device.objects.filter(state=DeviceState.ALLOCATED).count() == 12
    assert verify().intact

"""Allocation runs: preview, adjust with a reason, commit safely, undo; the ledger records all."""

import pytest
from django.core.exceptions import ValidationError

from allocation import services
from allocation.models import LedgerAction, LedgerEntry, MatchStatus, RunStatus
from custody.models import CustodyEvent
from devices.lifecycle import State as DeviceState
from referrals import services as referral_services
from referrals.models import State


def _preview(personas):
    return services.run_preview(
        personas.region, actor=personas.coordinator, organisation=personas.wmca
    )


@pytest.fixture
def supply(lab, refer, personas):
    """Two ready laptops from Birmingham; three people waiting there, one in Sandwell."""
    devices = [lab.device(state="ready", year=2025) for _ in range(2)]
    referrals = [refer(), refer(), refer(device_type="tablet")]
    referrals.append(refer(vcse=personas.tipton, actor=personas.charlie, area="Sandwell"))
    return devices, referrals


def test_a_preview_explains_each_match_and_changes_nothing(supply, personas):
    devices, _referrals = supply
    run = _preview(personas)
    assert run.status == RunStatus.PREVIEW
    assert (run.devices_considered, run.referrals_considered) == (2, 4)
    matches = list(run.matches.all())
    assert len(matches) == 2
    # Birmingham and Sandwell each get one laptop: the worse-off area is raised first.
    assert {m.area.name for m in matches} == {"Birmingham", "Sandwell"}
    for match in matches:
        assert match.explanation["policy"] == run.policy_version
        assert match.explanation["rank"] == 1
        assert match.summary
    assert run.by_area["E08000025"]["waiting"] == 3
    for device in devices:
        device.refresh_from_db()
        assert device.state == DeviceState.READY
    assert not LedgerEntry.objects.exists()


def test_remove_a_match_then_commit_the_rest(
    supply, personas, mailoutbox, django_capture_on_commit_callbacks
):
    run = _preview(personas)
    removed, kept = run.matches.order_by("area__name")
    with pytest.raises(ValidationError):
        services.match_remove(
            removed, reason=" ", actor=personas.coordinator, organisation=personas.wmca
        )
    services.match_remove(
        removed,
        reason="Device promised to a pilot",
        actor=personas.coordinator,
        organisation=personas.wmca,
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = services.run_commit(run, actor=personas.coordinator, organisation=personas.wmca)
    assert [m.pk for m in report.committed] == [kept.pk]
    kept.referral.refresh_from_db()
    assert kept.referral.state == State.ALLOCATED
    removed.referral.refresh_from_db()
    assert removed.referral.state == State.WAITING
    actions = list(LedgerEntry.objects.values_list("action", "reason"))
    assert actions == [
        (LedgerAction.REMOVED, "Device promised to a pilot"),
        (LedgerAction.COMMITTED, ""),
    ]
    subjects = sorted(m.subject for m in mailoutbox)
    assert "1 device to prepare for collection" in subjects
    assert "1 of your referrals has a device" in subjects
    with pytest.raises(ValidationError, match="not a preview"):
        services.run_commit(run, actor=personas.coordinator, organisation=personas.wmca)


def test_what_changed_since_the_preview_is_left_out(supply, personas):
    run = _preview(personas)
    first, second = run.matches.order_by("pk")
    referral_services.referral_withdraw(
        first.referral,
        actor=first.referral.created_by,
        organisation=first.referral.vcse,
        reason="found_elsewhere",
    )
    report = services.run_commit(run, actor=personas.coordinator, organisation=personas.wmca)
    assert [m.pk for m in report.committed] == [second.pk]
    ((skipped, why),) = report.skipped
    assert skipped.pk == first.pk
    assert "withdrawn" in why
    first.refresh_from_db()
    assert first.status == MatchStatus.SKIPPED
    first.device.refresh_from_db()
    assert first.device.state == DeviceState.READY  # free for the next run


def test_a_second_run_over_the_same_devices_allocates_nothing_twice(supply, personas):
    one, two = _preview(personas), _preview(personas)
    services.run_commit(one, actor=personas.coordinator, organisation=personas.wmca)
    report = services.run_commit(two, actor=personas.coordinator, organisation=personas.wmca)
    assert report.committed == []
    assert len(report.skipped) == 2


def test_swap_needs_each_device_to_suit_the_other(lab, refer, personas):
    laptop = lab.device(state="ready", year=2025)
    tablet = lab.device(state="ready", year=2025, device_type="tablet", ram_gb=None, storage_gb=128)
    wants_laptop = refer()
    flexible = refer(device_type="tablet", substitutes=["laptop"])
    run = _preview(personas)
    by_referral = {m.referral_id: m for m in run.matches.all()}
    a, b = by_referral[wants_laptop.pk], by_referral[flexible.pk]
    assert (a.device_id, b.device_id) == (laptop.pk, tablet.pk)
    with pytest.raises(ValidationError, match="does not meet the needs"):
        services.match_swap(
            a, b, reason="Try", actor=personas.coordinator, organisation=personas.wmca
        )


def test_undo_returns_device_and_referral_through_the_ledgers(supply, personas):
    run = _preview(personas)
    services.run_commit(run, actor=personas.coordinator, organisation=personas.wmca)
    match = run.matches.filter(status=MatchStatus.COMMITTED).first()
    services.match_undo(
        match, reason="Wrong area", actor=personas.coordinator, organisation=personas.wmca
    )
    match.refresh_from_db()
    match.referral.refresh_from_db()
    match.device.refresh_from_db()
    assert match.status == MatchStatus.UNDONE
    assert match.referral.state == State.WAITING
    assert match.device.state == DeviceState.READY
    assert CustodyEvent.objects.filter(device=match.device).last().transition == "deallocate"
    assert LedgerEntry.objects.filter(match=match, action=LedgerAction.UNDONE).exists()


@pytest.mark.parametrize("who", ["alice", "council_officer", "technician"])
def test_only_the_coordinator_runs_and_commits(supply, personas, who):
    user = getattr(personas, who)
    organisation = personas.membership(user).organisation
    with pytest.raises(ValidationError, match="coordinator"):
        services.run_preview(personas.region, actor=user, organisation=organisation)
    run = _preview(personas)
    with pytest.raises(ValidationError, match="coordinator"):
        services.run_commit(run, actor=user, organisation=organisation)


def test_the_vcse_sees_its_own_allocation_and_why(client, supply, personas):
    run = _preview(personas)
    services.run_commit(run, actor=personas.coordinator, organisation=personas.wmca)
    ladywood = run.matches.get(referral__vcse=personas.ladywood)
    tipton = run.matches.get(referral__vcse=personas.tipton)
    client.force_login(personas.alice)
    page = client.get(ladywood.referral.get_absolute_url()).content.decode()
    assert "Why: " + ladywood.summary.split(".")[0] in page
    assert client.get(tipton.referral.get_absolute_url()).status_code == 404
    assert client.get(run.get_absolute_url()).status_code == 403  # runs are the coordinator's


def test_the_coordinator_previews_removes_and_commits_from_the_pages(client, supply, personas):
    from django.urls import reverse

    client.force_login(personas.coordinator)
    response = client.post(reverse("allocation:preview"), follow=True)
    run = personas.region.allocation_runs.get()
    page = response.content.decode()
    assert "Commit 2 matches" in page
    assert "Weighted fill rate" in page
    match = run.matches.first()
    client.post(
        reverse("allocation:remove", kwargs={"uid": run.uid, "pk": match.pk}), {"reason": ""}
    )
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED  # a reason is required
    client.post(
        reverse("allocation:remove", kwargs={"uid": run.uid, "pk": match.pk}),
        {"reason": "Keep for the pilot"},
    )
    response = client.post(reverse("allocation:commit", kwargs={"uid": run.uid}), follow=True)
    assert "1 device allocated." in response.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.COMMITTED
    assert "Keep for the pilot" in client.get(run.get_absolute_url()).content.decode()


def test_the_area_figures_follow_removals_and_speak_plain_english(supply, personas):
    run = _preview(personas)
    birmingham = run.matches.get(area__name="Birmingham")
    assert "Birmingham" in birmingham.summary
    assert "E08000025" not in birmingham.summary
    assert "standard priority, waiting since" in birmingham.summary
    services.match_remove(
        birmingham, reason="Pilot", actor=personas.coordinator, organisation=personas.wmca
    )
    run.refresh_from_db()
    assert run.by_area["E08000025"]["allocated"] == 0
    assert run.by_area["E08000028"]["share"] == 1


def test_bad_adjustments_from_the_pages_say_what_is_wrong_and_change_nothing(
    client, supply, personas
):
    from django.urls import reverse

    run = _preview(personas)
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("allocation:swap", kwargs={"uid": run.uid}),
        {"first": "abc", "second": "", "reason": "Try"},
        follow=True,
    )
    assert "Choose two matches by their numbers." in response.content.decode()
    assert not LedgerEntry.objects.exists()
    assert set(run.matches.values_list("status", flat=True)) == {MatchStatus.PROPOSED}
    client.force_login(personas.council_officer)
    response = client.post(
        reverse("allocation:ring_fences"), {"identifier": "NO-SUCH", "reason": "Ours"}, follow=True
    )
    assert "No device donated in your area matches “NO-SUCH”." in response.content.decode()

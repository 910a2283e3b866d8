"""The demo's referrals: each VCSE's year of referrals through the real services, and the bulk
volume for benchmarks."""

import datetime

from django.utils import timezone

from demo.referrals import CASELOADS, VOLUME_MARK, seed_referral_volume
from demo.services import demo_seed
from devices.lifecycle import State as DeviceState
from directory.models import Service, ServiceKind
from referrals import services
from referrals.models import EventKind, FollowUp, Handover, Referral, ReferralEvent, State


def test_seed_demo_makes_referrals_in_every_state_with_a_consistent_history(db):
    made = demo_seed()["referrals"]

    assert made == Referral.objects.count()
    assert set(Referral.objects.values_list("state", flat=True)) == set(State.values)
    for name in CASELOADS:
        waiting = Referral.objects.filter(vcse__name=name, state=State.WAITING).count()
        assert 15 <= waiting <= 40, name
    handovers = Handover.objects.select_related("device", "referral")
    assert handovers.filter(sim_batch__isnull=False).exists()
    assert handovers.filter(skills_offers__isnull=False).exists()
    assert {h.device.state for h in handovers} == {DeviceState.HANDED_OVER}
    assert FollowUp.objects.count() == Referral.objects.filter(state=State.FOLLOWED_UP).count()
    # The history is spread over the last year, each referral's events in order.
    now = timezone.now()
    year_ago = now - datetime.timedelta(days=400)
    assert not Referral.objects.filter(referred_at__gt=now).exists()
    assert not Referral.objects.filter(referred_at__lt=year_ago).exists()
    months = {timezone.localtime(h.handed_over_at).strftime("%Y-%m") for h in handovers}
    assert len(months) >= 6
    for referral in Referral.objects.all():
        events = list(referral.events.order_by("pk"))
        assert (events[0].kind, events[0].at) == (EventKind.CREATED, referral.referred_at)
        assert [e.at for e in events] == sorted(e.at for e in events), referral.reference
        assert events[-1].at <= now
    kinds = set(Service.objects.published().values_list("kind", flat=True))
    assert {
        ServiceKind.DIGITAL_CHAMPION,
        ServiceKind.COURSE,
        ServiceKind.DROP_IN,
        ServiceKind.CONNECTIVITY,
        ServiceKind.DEVICE_REFERRAL,
    } <= kinds


def test_seeding_the_demo_again_adds_no_referrals(db):
    demo_seed()
    counts = (Referral.objects.count(), Handover.objects.count(), Service.objects.count())

    assert demo_seed()["referrals"] == 0
    assert (Referral.objects.count(), Handover.objects.count(), Service.objects.count()) == counts


def test_the_volume_gives_one_vcse_its_share_and_tops_up_to_a_larger_total(personas):
    today = timezone.localdate()

    added = seed_referral_volume(region=personas.region, total=2_000, ladywood=300, today=today)

    assert added == Referral.objects.count() == 2_000
    assert Referral.objects.filter(vcse=personas.ladywood).count() == 300
    assert set(Referral.objects.values_list("state", flat=True)) >= {
        State.WAITING,
        State.HANDED_OVER,
        State.FOLLOWED_UP,
        State.WITHDRAWN,
        State.EXPIRED,
    }
    handed = Referral.objects.filter(state__in=[State.HANDED_OVER, State.FOLLOWED_UP])
    assert Handover.objects.count() == handed.count()
    assert not Referral.objects.filter(referred_at__gt=timezone.now()).exists()
    assert seed_referral_volume(region=personas.region, total=2_000, ladywood=300, today=today) == 0
    assert (
        seed_referral_volume(region=personas.region, total=2_500, ladywood=300, today=today) == 500
    )
    assert ReferralEvent.objects.filter(detail=VOLUME_MARK).count() == 2_500
    # The bulk load gave ids itself: a referral made afterwards still gets a new one.
    needs = services.Needs(
        reference="LCH-9001",
        area=personas.ladywood.areas_served.get(),
        device_type="laptop",
        connectivity="needs_sim",
        eligibility=["low_income"],
        consent_by="person",
        consent_purposes=["referral", "aggregate"],
    )
    services.referral_create(vcse=personas.ladywood, actor=personas.alice, needs=needs)
    assert Referral.objects.count() == 2_501

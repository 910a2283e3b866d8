"""The tallies behind every impact figure: kept by the services in the same transaction, and
always equal to a full recount of the records."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from impact import tally
from impact.models import Grain, Tally
from impact.selectors import Period, Scope, grouped, report
from impact.tests.dashboard_data import recycle_desktop
from lib import impact
from referrals import services as referrals
from referrals.models import Confidence, StillUsing
from referrals.tests.conftest import make_needs

THIS_YEAR = Period.year(datetime.date.today().year)


@pytest.fixture
def known(lab, rehome, refer, personas, areas):
    """Three laptops and a tablet rehomed, one erased tablet waiting, one desktop recycled,
    one pledged phone, one person still waiting, and one follow-up."""
    first, _ = rehome("Birmingham", screen_inches=Decimal("11.6"))
    rehome("Birmingham")  # no screen size recorded: a medium laptop
    rehome("Coventry", screen_inches=Decimal("17.3"), social_tariff=False)
    rehome("Coventry", device_type="tablet")
    lab.device(state="erased", device_type="tablet")
    recycle_desktop(lab, personas, weight_kg=Decimal("7.1"))
    lab.device(device_type="smartphone")
    refer(area="Sandwell")
    referrals.follow_up_record(
        first,
        actor=personas.alice,
        organisation=personas.ladywood,
        outcome=referrals.Outcome(still_using=StillUsing.YES, confidence=Confidence.MUCH_MORE),
    )
    return personas


def test_every_figure_is_counted_exactly_from_the_records(known):
    figures = report(Scope.of_region(known.region), THIS_YEAR)
    totals = figures.totals
    assert totals[impact.GIVEN] == 7
    assert totals[impact.RECEIVED] == 6
    assert totals[impact.ERASED] == 5
    assert totals[impact.REFURBISHED] == 4
    assert totals[impact.REHOMED] == 4
    assert totals[impact.RECYCLED] == 1
    assert totals[impact.PEOPLE_SUPPORTED] == 4
    assert totals[impact.SOCIAL_TARIFF] == 3
    assert totals[impact.REFERRED] == 5
    assert totals[impact.FOLLOW_UPS] == 1
    assert totals[impact.STILL_USING] == 1
    assert totals[impact.MORE_CONFIDENT] == 1
    by_area = {row.area.name: row.counts for row in figures.areas}
    assert by_area["Birmingham"][impact.PEOPLE_SUPPORTED] == 2
    assert by_area["Coventry"][impact.PEOPLE_SUPPORTED] == 2
    assert by_area["Sandwell"] == {impact.REFERRED: 1}
    # Every device came from the batch's area, Birmingham.
    assert by_area["Birmingham"][impact.RECEIVED] == 6
    assert figures.waiting == 1


def test_the_environmental_figures_use_each_categorys_factors(known):
    figures = report(Scope.of_region(known.region), THIS_YEAR)
    env = figures.environmental
    assert env.method_version == "1"
    rows = {row.category: row for row in env.by_category}
    assert {c: r.devices for c, r in rows.items()} == {
        impact.LAPTOP_SMALL: 1,
        impact.LAPTOP_MEDIUM: 1,
        impact.LAPTOP_LARGE: 1,
        impact.TABLET: 1,
    }
    # The Restart Project's factors x displacement 0.5, each row rounded to 0.01 kg:
    # 221.15/2 = 110.575 → 110.58; 265.32/2 = 132.66; 414.70/2 = 207.35; 114.49/2 = 57.245 → 57.25.
    assert [r.kg_co2e_avoided for r in env.by_category] == [
        Decimal("110.58"),
        Decimal("132.66"),
        Decimal("207.35"),
        Decimal("57.25"),
    ]
    assert env.kg_co2e_avoided == Decimal("507.84")
    assert env.kg_kept_in_use == Decimal("1.39") + Decimal("1.83") + Decimal("2.53") + Decimal(
        "0.77"
    )


def test_a_donor_sees_only_its_own_devices_in_its_tallies(known):
    donor = report(Scope.of_donor(known.donor_org), THIS_YEAR, compare=False)
    assert donor.totals[impact.GIVEN] == 7
    assert donor.totals[impact.PEOPLE_SUPPORTED] == 4
    other = Tally.objects.filter(grain=Grain.DONOR).exclude(subject_id=known.donor_org.pk)
    assert not other.exists()


def test_the_organisation_that_acted_is_credited(known):
    itad = grouped(
        Scope(region=known.region, grain=Grain.ORGANISATION, subject_id=known.itad_org.pk),
        THIS_YEAR,
    )[()]
    assert itad[impact.ERASED] == 5
    assert itad[impact.RECYCLED] == 1
    vcse = grouped(
        Scope(region=known.region, grain=Grain.ORGANISATION, subject_id=known.ladywood.pk),
        THIS_YEAR,
    )[()]
    assert vcse[impact.PEOPLE_SUPPORTED] == 4
    assert vcse[impact.REFERRED] == 5


def test_the_tallies_equal_a_full_recount(known):
    assert tally.check() == []


def test_changing_a_waiting_referrals_area_moves_its_count(known, refer, areas):
    referral = refer(area="Walsall", reference="LCH-MOVE")
    referrals.referral_update(
        referral,
        actor=known.alice,
        organisation=known.ladywood,
        needs=make_needs(areas["Dudley"], reference="LCH-MOVE"),
    )
    by_area = {
        row.area.name: row.counts
        for row in report(Scope.of_region(known.region), THIS_YEAR, compare=False).areas
    }
    assert by_area["Walsall"].get(impact.REFERRED, 0) == 0
    assert by_area["Dudley"][impact.REFERRED] == 1
    assert tally.check() == []


def test_the_check_names_a_tally_that_no_longer_matches_the_records(known):
    Tally.objects.filter(grain=Grain.REGION, measure=impact.ERASED).update(count=0)
    problems = tally.check()
    assert problems
    assert all("erased" in problem and "recounted" in problem for problem in problems)


def test_rebuild_restores_the_tallies_from_the_records(known):
    before = tally.stored()
    Tally.objects.all().delete()
    tally.rebuild()
    assert tally.stored() == before


def test_impact_check_exits_non_zero_and_repairs_when_asked(known, capsys):
    Tally.objects.filter(measure=impact.REHOMED).delete()
    with pytest.raises(SystemExit) as exit_info:
        call_command("impact_check")
    assert exit_info.value.code == 1
    assert "rehomed" in capsys.readouterr().out
    call_command("impact_check", "--repair")
    assert "repaired" in capsys.readouterr().out
    call_command("impact_check")
    assert "match" in capsys.readouterr().out


def test_months_are_local_calendar_months():
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (British Summer Time).
    at = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
    assert tally.month_of(at) == datetime.date(2026, 4, 1)
    winter = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.UTC)
    assert tally.month_of(winter) == datetime.date(2026, 1, 1)


def test_the_recount_places_events_in_local_months_as_the_services_do(lab, personas):
    from custody import ledger

    # 22:30 UTC on 31 March 2026 is 23:30 in London (March); 23:30 UTC is 00:30 on 1 April.
    for hour in (22, 23):
        with ledger.dated(datetime.datetime(2026, 3, 31, hour, 30, tzinfo=datetime.UTC)):
            lab.device()
    with ledger.dated(datetime.datetime(2026, 1, 15, 12, tzinfo=datetime.UTC)):
        lab.device()
    given = {
        key[2]: n
        for key, n in tally.recount().items()
        if key[0] == Grain.REGION and key[6] == impact.GIVEN
    }
    assert given == {
        datetime.date(2026, 1, 1): 1,
        datetime.date(2026, 3, 1): 1,
        datetime.date(2026, 4, 1): 1,
    }
    assert tally.check() == []


def test_the_daily_housekeeping_repairs_tallies_that_drifted_and_says_so(known, caplog):
    from rehome.schedule import impact_tallies_checked

    assert impact_tallies_checked() == {"differences": 0, "repaired": False}
    Tally.objects.filter(measure=impact.GIVEN).delete()
    assert impact_tallies_checked()["repaired"] is True
    assert "differ from a full recount" in caplog.text
    assert tally.check() == []


def test_a_past_period_shows_its_own_last_days_waiting_list_not_todays(refer, personas):
    from referrals.models import Referral

    last_year = datetime.date.today().year - 1
    early = refer(reference="LCH-EARLY")
    Referral.objects.filter(pk=early.pk).update(
        referred_at=datetime.datetime(last_year, 6, 1, 12, tzinfo=datetime.UTC)
    )
    refer(reference="LCH-TODAY")
    past = report(Scope.of_region(personas.region), Period.year(last_year), compare=False)
    assert past.waiting == 1
    assert past.stock_as_of == datetime.date(last_year, 12, 31)
    assert past.in_progress is None
    current = report(Scope.of_region(personas.region), THIS_YEAR, compare=False)
    assert current.waiting == 2
    assert current.stock_as_of is None

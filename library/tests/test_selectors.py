"""The annual snapshot's reading of the library: published case studies by year and area."""

import datetime

from django.utils import timezone

from library import services
from library.models import Page
from library.selectors import published_case_studies


def _published_on(page, year):
    moment = timezone.make_aware(datetime.datetime(year, 6, 1, 12))
    Page.objects.filter(pk=page.pk).update(published_at=moment)


def test_published_case_studies_by_year_and_area(personas, areas, publish, write, in_review):
    old = publish(title="Old", area_names=["Birmingham"])
    _published_on(old, 2025)
    this_year = publish(title="This year", area_names=["Birmingham", "Sandwell"])
    _published_on(this_year, 2026)
    elsewhere = publish(title="Elsewhere", area_names=["Coventry"])
    _published_on(elsewhere, 2026)
    guide = publish(title="Guide", kind="guidance")
    _published_on(guide, 2026)
    write(title="Draft")
    withdrawn = publish(title="Withdrawn")
    _published_on(withdrawn, 2026)
    services.page_withdraw(
        withdrawn, actor=personas.alice, organisation=personas.ladywood, reason="Old."
    )

    def titles(**kwargs):
        return [p.title for p in published_case_studies(personas.region, **kwargs)]

    assert titles() == ["This year", "Elsewhere", "Old"]  # newest first, then as written
    assert sorted(titles(year=2026)) == ["Elsewhere", "This year"]
    assert titles(year=2025) == ["Old"]
    assert titles(year=2026, area=areas["Birmingham"]) == ["This year"]
    assert titles(area=areas["Birmingham"]) == ["This year", "Old"]
    assert titles(year=2024) == []


def test_published_case_studies_come_with_their_tags_in_a_few_queries(
    personas, publish, django_assert_max_num_queries
):
    for n in range(3):
        publish(title=f"Page {n}", organisations=[personas.tipton])
    with django_assert_max_num_queries(4):
        for page in published_case_studies(personas.region):
            assert page.organisation.name
            assert [a.name for a in page.areas.all()]
            assert page.themes
            assert [o.name for o in page.organisations.all()]

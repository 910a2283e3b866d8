"""The impact method's versions: a draft changes until it is adopted; what a published report
used can never change."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from impact import services
from impact.models import Factor, MethodFrozen, MethodVersion, PublishedReport, ReportKind
from lib import impact


def _publish(method):
    return PublishedReport.objects.create(
        region=method.region,
        kind=ReportKind.SNAPSHOT,
        title="Snapshot",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        method=method,
        figures={},
        published_at=datetime.datetime.now(datetime.UTC),
    )


def _draft(region, coordinator, version="2027.1", **changes):
    change = services.change_from(MethodVersion.objects.current(region))
    change.version = version
    for name, value in changes.items():
        setattr(change, name, value)
    return services.method_version_create(region=region, actor=coordinator, change=change)


def test_loading_the_region_pack_adopts_version_1_with_its_factors(region):
    method = MethodVersion.objects.current(region)
    assert method.version == "1"
    assert method.displacement == Decimal("0.5")
    assert method.factors.count() == len(impact.CATEGORIES)
    assert "CC BY-SA 4.0" in method.sources


def test_a_new_version_is_a_draft_until_adopted(personas):
    draft = _draft(personas.region, personas.coordinator, displacement=Decimal("0.4"))
    assert MethodVersion.objects.current(personas.region).version == "1"
    services.method_adopt(draft, actor=personas.coordinator)
    current = MethodVersion.objects.current(personas.region)
    assert (current.version, current.displacement) == ("2027.1", Decimal("0.400"))


def test_a_draft_can_be_edited_but_an_adopted_version_cannot(personas):
    draft = _draft(personas.region, personas.coordinator)
    change = services.change_from(draft)
    change.version = draft.version
    change.factors[impact.TABLET].embodied_kg_co2e = Decimal("71")
    services.method_version_update(draft, actor=personas.coordinator, change=change)
    assert draft.factors.get(category=impact.TABLET).embodied_kg_co2e == Decimal("71")
    services.method_adopt(draft, actor=personas.coordinator)
    with pytest.raises(ValidationError, match="has been adopted"):
        services.method_version_update(draft, actor=personas.coordinator, change=change)


def test_a_version_a_published_report_used_can_never_change(personas):
    method = MethodVersion.objects.current(personas.region)
    _publish(method)
    change = services.change_from(method)
    change.version = "1"
    with pytest.raises(ValidationError, match="A published report uses version 1"):
        services.method_version_update(method, actor=personas.coordinator, change=change)
    method.displacement = Decimal("0.9")
    with pytest.raises(MethodFrozen):
        method.save()
    factor = method.factors.first()
    factor.weight_kg = Decimal("99")
    with pytest.raises(MethodFrozen):
        factor.save()
    assert Factor.objects.get(pk=factor.pk).weight_kg != Decimal("99")


def test_an_older_version_can_be_adopted_again_even_after_publication(personas):
    first = MethodVersion.objects.current(personas.region)
    _publish(first)
    services.method_adopt(_draft(personas.region, personas.coordinator), actor=personas.coordinator)
    services.method_adopt(first, actor=personas.coordinator)
    assert MethodVersion.objects.current(personas.region).version == "1"


def test_every_problem_with_a_new_version_is_reported_and_nothing_is_written(personas):
    change = services.change_from(MethodVersion.objects.current(personas.region))
    change.version = "1"
    change.displacement = Decimal("1.5")
    change.sources = ""
    change.factors[impact.DESKTOP].weight_kg = Decimal("0")
    del change.factors[impact.TABLET]
    with pytest.raises(ValidationError) as caught:
        services.method_version_create(
            region=personas.region, actor=personas.coordinator, change=change
        )
    errors = caught.value.message_dict
    assert errors["version"] == ["There is already a version 1."]
    assert "displacement" in errors
    assert "sources" in errors
    assert errors[impact.DESKTOP] == ["The weight must be above 0 kg."]
    assert errors[impact.TABLET] == ["Give this category's factors."]
    assert MethodVersion.objects.count() == 1

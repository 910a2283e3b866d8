from organisations.models import Membership, Organisation


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_the_coordinator_sees_every_organisation_in_the_region(personas):
    assert names(Organisation.objects.visible_to(personas.coordinator)) == names(
        Organisation.objects.all()
    )


def test_a_council_officer_sees_their_council_and_organisations_serving_its_area(personas):
    visible = names(Organisation.objects.visible_to(personas.council_officer))
    assert visible == {
        "Birmingham City Council",
        "Ladywood Community Hub",
        "Midland Mutual",
        "Forge Tech Reuse",
        "West Midlands Combined Authority",
    }
    assert "Tipton Together" not in visible  # Sandwell is not their area


def test_a_vcse_worker_sees_only_their_own_organisation(personas):
    assert names(Organisation.objects.visible_to(personas.alice)) == {"Ladywood Community Hub"}
    assert names(Organisation.objects.visible_to(personas.charlie)) == {"Tipton Together"}


def test_anonymous_visitors_see_no_organisations(personas):
    from django.contrib.auth.models import AnonymousUser

    assert not Organisation.objects.visible_to(AnonymousUser()).exists()
    assert not Organisation.objects.visible_to(None).exists()


def test_a_deactivated_user_sees_nothing(personas):
    personas.alice.is_active = False
    personas.alice.save()
    assert not Organisation.objects.visible_to(personas.alice).exists()


def test_members_see_their_own_team_but_not_other_organisations(personas):
    alice_sees = set(
        Membership.objects.visible_to(personas.alice).values_list("user__email", flat=True)
    )
    assert alice_sees == {"alice@example.org", "bob@example.org"}
    coordinator_sees = Membership.objects.visible_to(personas.coordinator).count()
    assert coordinator_sees == Membership.objects.count()

"""The demo's library: fictional case studies and guidance, seeded once."""

from django.core.management import call_command

from library.models import Kind, Page, Status
from library.selectors import published_case_studies
from regions.models import Region


def test_the_demo_has_published_case_studies_guidance_and_one_page_in_review(db):
    call_command("seed_demo")
    published = Page.objects.published()
    assert published.filter(kind=Kind.CASE_STUDY).count() == 4
    assert published.filter(kind=Kind.GUIDANCE).count() == 2
    assert Page.objects.filter(status=Status.IN_REVIEW).count() == 1
    assert published_case_studies(Region.objects.get()).exists()
    count = Page.objects.count()
    call_command("seed_demo")
    assert Page.objects.count() == count

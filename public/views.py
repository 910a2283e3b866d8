from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from organisations.models import Organisation
from organisations.selectors import accredited_itads_serving
from regions.models import Area
from regions.selectors import current_region
from rehome.access import public


def _region_or_404():
    region = current_region()
    if region is None:
        raise Http404("No region has been loaded yet.")
    return region


@public
def home(request):
    region = current_region()
    counts = Organisation.objects.filter(region=region).count_by_kind()
    return render(request, "public/home.html", {"counts": counts})


@public
def region_page(request):
    region = _region_or_404()
    areas = list(Area.objects.filter(region=region))
    offline = {
        area.code: area.internet_nonuse_pct
        for area in areas
        if area.internet_nonuse_pct is not None
    }
    return render(request, "public/region.html", {"areas": areas, "offline": offline})


@public
def donate(request):
    region = _region_or_404()
    from donations.matching import REQUIREMENTS
    from donations.models import Sensitivity

    areas = Area.objects.filter(region=region)
    requirements = [(Sensitivity(level).label, REQUIREMENTS[level]) for level in Sensitivity.values]
    context = {"partners": accredited_itads_serving(areas), "requirements": requirements}
    return render(request, "public/donate.html", context)


@public
def accessibility(request):
    return render(request, "public/accessibility.html")


@public
def privacy(request):
    return render(request, "public/privacy.html")


@public
@never_cache
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return JsonResponse(
            {"status": "error", "database": str(error.__class__.__name__)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})

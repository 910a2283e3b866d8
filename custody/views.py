from django.shortcuts import render

from custody.ledger import latest_checkpoint
from custody.models import Checkpoint
from rehome.access import public


@public
def public_page(request):
    """The latest checkpoint root, published so anyone can later check history was not rewritten."""
    return render(
        request,
        "custody/public.html",
        {
            "latest": latest_checkpoint(),
            "recent": Checkpoint.objects.order_by("-pk")[:10],
        },
    )

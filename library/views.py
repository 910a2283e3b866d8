"""Library pages. Anyone reads published case studies and guidance; members write their own
organisation's pages in the workspace and submit them; the coordinator reviews them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from organisations.roles import Role
from regions.models import Area
from regions.selectors import current_region
from rehome.access import public, role_required, self_service
from rehome.forms import add_service_errors

from . import selectors, services
from .forms import NO_PERSONAL_DATA, LibraryFilterForm, PageForm, SendBackForm, WithdrawForm
from .models import Page, Status

# Any member of any organisation may write for it; the services check whose page it is.
MEMBERS = tuple(Role.values)


# ---------------------------------------------------------------------------------------------
# Public reading.


@public
def library_index(request):
    region = current_region()
    if region is None:
        raise Http404("No region has been loaded yet.")
    areas = list(Area.objects.filter(region=region).only("slug", "name").order_by("name"))
    form = LibraryFilterForm(request.GET or None, areas=areas)
    filters = form.filters()
    pages = selectors.library_search(region, **filters)
    page = Paginator(pages, 20).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": any(filters.values())}
    return render(request, "library/index.html", context)


@public
def page_detail(request, slug):
    page = get_object_or_404(Page.objects.published().with_tags(), slug=slug)
    return render(request, "library/page.html", {"page": page})


# ---------------------------------------------------------------------------------------------
# Writing and reviewing, in the workspace.


def _organisation(request):
    if request.membership is None:
        raise PermissionDenied("You are not a member of any organisation yet.")
    return request.membership.organisation


def _visible(request, slug) -> Page:
    """A page the user may see in the workspace, or 404 (another's draft looks like none)."""
    return get_object_or_404(Page.objects.visible_to(request.user).with_tags(), slug=slug)


def _own(request, slug) -> Page:
    """One of the active organisation's pages, or 404."""
    return get_object_or_404(
        Page.objects.visible_to(request.user)
        .filter(organisation=_organisation(request))
        .with_tags(),
        slug=slug,
    )


def _posted(request):
    return request.POST if request.method == "POST" else None


def _is_coordinator(request) -> bool:
    return request.membership is not None and request.membership.role == Role.COORDINATOR


@self_service
def workspace(request):
    organisation = _organisation(request)
    pages = Page.objects.filter(organisation=organisation).order_by("-updated_at", "pk")
    context = {
        "organisation": organisation,
        "pages": pages,
        "in_review": selectors.review_queue(organisation.region).count()
        if _is_coordinator(request)
        else None,
    }
    return render(request, "library/workspace.html", context)


@self_service
def page_new(request):
    organisation = _organisation(request)
    form = PageForm(_posted(request), region=organisation.region)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.page_create(
                organisation=organisation, actor=request.user, draft=form.draft()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your draft is saved. Submit it for review when it is ready.")
            return redirect(page.get_workspace_url())
    context = {"form": form, "title": "Write a library page", "warning": NO_PERSONAL_DATA}
    return render(request, "library/form.html", context)


@role_required(Role.COORDINATOR)
def review(request):
    region = request.membership.organisation.region
    return render(request, "library/review.html", {"pages": selectors.review_queue(region)})


@role_required(*MEMBERS)
def manage(request, slug):
    page = _visible(request, slug)
    is_owner = page.organisation_id == request.membership.organisation_id
    is_reviewer = (
        _is_coordinator(request) and page.region_id == request.membership.organisation.region_id
    )
    context = {
        "page": page,
        "is_owner": is_owner,
        "is_reviewer": is_reviewer,
        "comment": selectors.last_review_comment(page) if page.status == Status.DRAFT else None,
        "events": page.events.select_related("actor", "organisation"),
    }
    return render(request, "library/manage.html", context)


@role_required(*MEMBERS)
def page_edit(request, slug):
    page = _own(request, slug)
    if page.status not in (Status.DRAFT, Status.WITHDRAWN):
        messages.error(
            request, services.NOT_EDITABLE.format(status=page.get_status_display().lower())
        )
        return redirect(page.get_workspace_url())
    form = PageForm(_posted(request), region=page.region, initial=PageForm.initial_from(page))
    if request.method == "POST" and form.is_valid():
        try:
            services.page_update(
                page, actor=request.user, organisation=_organisation(request), draft=form.draft()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(page.get_workspace_url())
    context = {
        "form": form,
        "title": f"Change “{page.title}”",
        "page": page,
        "warning": NO_PERSONAL_DATA,
    }
    return render(request, "library/form.html", context)


def _act(request, page: Page, action, done: str, **arguments):
    try:
        action(page, actor=request.user, organisation=_organisation(request), **arguments)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(page.get_workspace_url())


@require_POST
@role_required(*MEMBERS)
def page_submit(request, slug):
    page = _own(request, slug)
    return _act(request, page, services.page_submit, "Submitted: the coordinator will review it.")


@require_POST
@role_required(Role.COORDINATOR)
def page_publish(request, slug):
    page = _visible(request, slug)
    return _act(request, page, services.page_publish, "Published: anyone can read it now.")


def _comment_page(request, page, *, form, action, field, title, button, done, then):
    """A page asking for a comment (sending back, withdrawing) before acting, then going to
    `then`."""
    if request.method == "POST" and form.is_valid():
        try:
            action(
                page,
                actor=request.user,
                organisation=_organisation(request),
                **{field: form.cleaned_data[field]},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(then)
    context = {"form": form, "page": page, "title": title, "button": button}
    return render(request, "library/comment_form.html", context)


@role_required(Role.COORDINATOR)
def page_send_back(request, slug):
    page = _visible(request, slug)
    if page.status != Status.IN_REVIEW:
        messages.error(request, services.NOT_IN_REVIEW)
        return redirect(page.get_workspace_url())
    return _comment_page(
        request,
        page,
        form=SendBackForm(_posted(request)),
        action=services.page_send_back,
        field="comment",
        title=f"Send “{page.title}” back",
        button="Send back",
        done=f"“{page.title}” is sent back to {page.organisation} with your comment.",
        then="library:review",  # a draft again, the page is its writers' alone
    )


@role_required(*MEMBERS)
def page_withdraw(request, slug):
    page = _visible(request, slug)
    if page.status != Status.PUBLISHED:
        messages.error(request, services.NOT_PUBLISHED)
        return redirect(page.get_workspace_url())
    return _comment_page(
        request,
        page,
        form=WithdrawForm(_posted(request)),
        action=services.page_withdraw,
        field="reason",
        title=f"Withdraw “{page.title}”",
        button="Withdraw",
        done="Withdrawn: the page is no longer public.",
        then=page.get_workspace_url(),
    )

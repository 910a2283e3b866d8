"""The device-assessment guide (public, one question page at a time, no JavaScript needed) and
the rule table: anyone may read it, the coordinator edits it.

The guide keeps its answers in the address (GET forms with the earlier answers carried along),
so it needs no session, the back button works, and a verdict can be bookmarked or shared.
"""

import datetime
import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from lib.assessment import (
    FACTS,
    VERDICT_LABELS,
    assess,
    describe_condition,
    describe_cpu,
)
from organisations.roles import Role
from rehome.access import public, role_required

from .forms import STEP_FORMS, STEPS, RulesForm, facts_from_answers
from .models import RuleSet
from .selectors import active_rules
from .services import ruleset_create

SLUGS = [slug for slug, _ in STEPS]
CONTROLS = ("submitted", "back_to")
SAVED = "New rules saved as version {version}: the guide and the grading form use them now."


def _answers(query) -> QueryDict:
    """The answers in the address, without the guide's own control parameters."""
    answers = query.copy()
    for control in CONTROLS:
        answers.pop(control, None)
    return answers


def _address(name: str, answers: QueryDict, **kwargs) -> str:
    return reverse(name, kwargs=kwargs or None) + "?" + answers.urlencode()


def _step_address(slug: str, answers: QueryDict, *, back_to: str = "") -> str:
    query = answers.copy()
    if back_to:
        query["back_to"] = back_to
    return _address("assessment:step", query, step=slug)


def _validate(answers) -> tuple[dict, str | None]:
    """All the answers, cleaned; and the first step with a problem (None when all are fine)."""
    data = {}
    for slug, form_class in STEPS:
        form = form_class(answers)
        if not form.is_valid():
            return data, slug
        data.update(form.cleaned_data)
    return data, None


@public
def start(request):
    first = reverse("assessment:step", kwargs={"step": SLUGS[0]})
    return render(request, "assessment/start.html", {"first": first})


@public
def step(request, step):
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        raise Http404("No such question.")
    answers = _answers(request.GET)
    back_to = request.GET.get("back_to", "")
    submitted = request.GET.get("submitted") == step
    form = form_class(answers if submitted else None, initial=_initial(form_class, answers))
    index = SLUGS.index(step)
    if submitted and form.is_valid():
        if back_to == "check" or index == len(SLUGS) - 1:
            return redirect(_address("assessment:check", answers))
        return redirect(_step_address(SLUGS[index + 1], answers))
    previous = _step_address(SLUGS[index - 1], answers) if index else reverse("assessment:start")
    return render(
        request,
        "assessment/step.html",
        {
            "form": form,
            "step": step,
            "number": index + 1,
            "count": len(SLUGS),
            "carried": [
                (k, v) for k in answers if k not in form.fields for v in answers.getlist(k)
            ],
            "back_to": back_to,
            "previous": _address("assessment:check", answers) if back_to else previous,
        },
        status=400 if form.errors else 200,
    )


def _initial(form_class, answers) -> dict:
    """Earlier answers to this step's questions, when someone comes back to change them."""
    initial = {}
    for name, field in form_class.base_fields.items():
        if name in answers:
            multiple = isinstance(field, forms.MultipleChoiceField)
            initial[name] = answers.getlist(name) if multiple else answers[name]
    return initial


def _summary(answers: dict, data: dict) -> list[dict]:
    """The check-your-answers rows: each question, the answer as chosen, and where to change it."""
    rows = []
    for slug, form_class in STEPS:
        form = form_class()
        for name, field in form.fields.items():
            value = data.get(name)
            choices = dict(getattr(field, "choices", []))
            if isinstance(value, list):
                shown = ", ".join(str(choices.get(v, v)) for v in value)
            elif choices:
                shown = str(choices.get(value, "Not answered")) if value else "Not answered"
            elif value in (None, ""):
                shown = "Not given"
            else:
                shown = str(value)
            if name == "cpu" and value:
                shown = f"{value} (read as {describe_cpu(value)})"
            if name == "updates_until" and value:
                shown = f"{datetime.date.fromisoformat(value):%B %Y}"
            rows.append(
                {
                    "label": field.label.removesuffix(" (optional)"),
                    "value": shown,
                    "change": _step_address(slug, answers, back_to="check") + f"#id_{name}",
                    "name": name,
                }
            )
    return rows


@public
def check(request):
    answers = _answers(request.GET)
    data, problem = _validate(answers)
    if problem:
        return redirect(_step_address(problem, answers) + f"&submitted={problem}")
    return render(
        request,
        "assessment/check.html",
        {
            "rows": _summary(answers, data),
            "result": _address("assessment:result", answers),
        },
    )


@public
def result(request):
    answers = _answers(request.GET)
    data, problem = _validate(answers)
    if problem:
        return redirect(_step_address(problem, answers) + f"&submitted={problem}")
    verdict = assess(facts_from_answers(data), active_rules(), today=timezone.localdate())
    return render(
        request,
        "assessment/result.html",
        {
            "verdict": verdict,
            "change": _address("assessment:check", answers),
            "device": " ".join(p for p in (data["make"], data["model"]) if p),
        },
    )


@public
def rules(request):
    """The rules in use, in words, and every version there has been."""
    current = active_rules()
    return render(
        request,
        "assessment/rules.html",
        {
            "current": current,
            "table": _readable(current.table),
            "versions": RuleSet.objects.select_related("created_by"),
            "can_edit": _is_coordinator(request),
        },
    )


@public
def rules_version(request, version):
    ruleset = get_object_or_404(RuleSet, version=version)
    return render(
        request,
        "assessment/rules_version.html",
        {
            "ruleset": ruleset,
            "table": _readable(ruleset.rules),
            "json": json.dumps(ruleset.rules, indent=2, ensure_ascii=False),
            "can_edit": _is_coordinator(request),
        },
    )


@role_required(Role.COORDINATOR)
def rules_edit(request):
    """Edit the rules as JSON; saving makes a new version. `?from=N` starts from version N."""
    current = active_rules()
    version, table = current.version, current.table
    if request.GET.get("from", "").isdecimal():
        chosen = get_object_or_404(RuleSet, version=int(request.GET["from"]))
        version, table = chosen.version, chosen.rules
    form = RulesForm(
        request.POST or None,
        initial={"rules": json.dumps(table, indent=2, ensure_ascii=False)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = ruleset_create(
                rules=form.cleaned_data["rules"], note=form.cleaned_data["note"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("rules", error)
        else:
            messages.success(request, SAVED.format(version=saved.version))
            return redirect("assessment:rules")
    return render(
        request,
        "assessment/rules_edit.html",
        {"form": form, "version": version, "facts": _fact_list()},
        status=400 if form.errors else 200,
    )


def _fact_list() -> list[tuple[str, str]]:
    """Each fact a rule may test, with the values it can take (or its kind)."""
    return [
        (name, ", ".join(fact.values) if fact.values else fact.kind) for name, fact in FACTS.items()
    ]


def _is_coordinator(request) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role == Role.COORDINATOR


def _readable(table: dict) -> dict:
    """The table with each condition in words, for reading rather than editing."""

    def words(entries):
        return [{**entry, "condition": describe_condition(entry["when"])} for entry in entries]

    return {
        "rules": [
            {**rule, "verdict_label": VERDICT_LABELS[rule["verdict"]]}
            for rule in words(table["rules"])
        ],
        "otherwise": {
            **table["otherwise"],
            "verdict_label": VERDICT_LABELS[table["otherwise"]["verdict"]],
        },
        "operating_systems": words(table["operating_systems"]),
        "data_advice": words(table["data_advice"]),
    }

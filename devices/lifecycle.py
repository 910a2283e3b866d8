"""The device lifecycle: every state, every allowed transition and every guard, in one place.

```
pledged → received → erased ───────→ assessed → refurbished → ready → allocated → handed_over
              │          └ erasure_failed → (re-erase | media destroyed → assessed)
              └ (any state before handed_over) → recycled | lost
handed_over → returned → received (a returned device is erased again)
```

Other modules never compare states themselves: they ask `can()`, `transitions_from()` or
`check()` here. A guard looks at the device (and its drives, evidence and records, which the
caller should have prefetched for bulk work) and returns the reasons it refuses, in words a
technician understands; no reasons means the transition may happen.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


class State(models.TextChoices):
    PLEDGED = "pledged", "Pledged"
    RECEIVED = "received", "Received"
    ERASED = "erased", "Erased"
    ERASURE_FAILED = "erasure_failed", "Erasure failed"
    ASSESSED = "assessed", "Assessed"
    REFURBISHED = "refurbished", "Refurbished"
    READY = "ready", "Ready"
    ALLOCATED = "allocated", "Allocated"
    HANDED_OVER = "handed_over", "With the person"
    RETURNED = "returned", "Returned"
    RECYCLED = "recycled", "Recycled"
    LOST = "lost", "Lost"


# States from which a device may still be recycled or written off as lost.
BEFORE_HANDOVER = (
    State.PLEDGED,
    State.RECEIVED,
    State.ERASED,
    State.ERASURE_FAILED,
    State.ASSESSED,
    State.REFURBISHED,
    State.READY,
    State.ALLOCATED,
    State.RETURNED,
)
# States in which a partner has a donated device and is preparing it for someone.
WITH_PARTNER = tuple(state for state in BEFORE_HANDOVER if state != State.PLEDGED)
FINAL_STATES = frozenset({State.RECYCLED, State.LOST})
# States in which a device may hold someone's data: a technician must erase before reuse.
HOLDS_DONOR_DATA = frozenset({State.PLEDGED, State.RECEIVED, State.ERASURE_FAILED, State.RETURNED})


Guard = Callable[..., list[str]]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button a user presses
    sources: tuple[str, ...]
    target: str
    guards: tuple[str, ...] = ()
    # Transitions whose details come from a record (an assessment, a recycling note…) are
    # applied by that record's own service, never as a bare bulk action.
    needs_record: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("receive", "Receive", (State.PLEDGED, State.RETURNED), State.RECEIVED),
        Transition(
            "erase",
            "Mark erased",
            (State.RECEIVED, State.ERASURE_FAILED),
            State.ERASED,
            guards=("storage_sanitised",),
        ),
        Transition(
            "fail_erasure",
            "Record failed erasure",
            (State.RECEIVED,),
            State.ERASURE_FAILED,
            guards=("has_failed_erasure",),
        ),
        Transition(
            "assess",
            "Assess",
            (State.ERASED, State.ERASURE_FAILED),
            State.ASSESSED,
            guards=("storage_sanitised", "has_assessment"),
            needs_record=True,
        ),
        Transition(
            "refurbish",
            "Record refurbishment",
            (State.ASSESSED,),
            State.REFURBISHED,
            guards=("assessed_for_reuse", "has_refurbishment"),
            needs_record=True,
        ),
        Transition(
            "make_ready",
            "Mark ready",
            (State.REFURBISHED,),
            State.READY,
            guards=("locks_removed", "graded"),
        ),
        Transition("allocate", "Allocate", (State.READY,), State.ALLOCATED, needs_record=True),
        Transition(
            "deallocate", "Release allocation", (State.ALLOCATED,), State.READY, needs_record=True
        ),
        Transition(
            "hand_over", "Hand over", (State.ALLOCATED,), State.HANDED_OVER, needs_record=True
        ),
        Transition(
            "return", "Record return", (State.HANDED_OVER,), State.RETURNED, needs_record=True
        ),
        Transition(
            "recycle",
            "Recycle",
            BEFORE_HANDOVER,
            State.RECYCLED,
            guards=("not_in_transit",),
            needs_record=True,
        ),
        Transition("lose", "Write off as lost", BEFORE_HANDOVER, State.LOST, needs_record=True),
    )
}


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


def can(state: str, transition_name: str) -> bool:
    return state in TRANSITIONS[transition_name].sources


def state_label(state: str | None) -> str:
    return State(state).label if state else "Not yet registered"


# ---------------------------------------------------------------------------------------------
# Guards. Each takes the device and returns the reasons it refuses (empty when satisfied).


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def storage_sanitised(device) -> list[str]:
    """Every data-bearing drive has verified, passing, non-anonymised evidence or is destroyed."""
    drives = [d for d in device.drives.all() if d.is_data_bearing]
    if not drives:
        if device.has_no_storage:
            return []
        return [
            "No drives are recorded. Add the device's drives, or record that it has no storage."
        ]
    unsanitised = [d for d in drives if not d.is_sanitised()]
    if not unsanitised:
        return []
    reasons = [
        f"{len(unsanitised)} of {len(drives)} {_plural(len(drives), 'drive has', 'drives have')} "
        "no verified erasure."
        if len(drives) > 1
        else "The drive has no verified erasure."
    ]
    for drive in unsanitised:
        reasons.append(f"{drive}: {drive.sanitisation_problem()}")
    return reasons


def has_failed_erasure(device) -> list[str]:
    if any(d.latest_erasure_failed() for d in device.drives.all()):
        return []
    return ["No drive has a failed erasure recorded."]


def has_assessment(device) -> list[str]:
    if device.latest_assessment() is None:
        return ["The device has not been assessed: record its grade and checks first."]
    return []


def assessed_for_reuse(device) -> list[str]:
    assessment = device.latest_assessment()
    if assessment is None:
        return ["The device has not been assessed."]
    if assessment.outcome != "refurbish":
        return [f"The assessment says “{assessment.get_outcome_display().lower()}”, not refurbish."]
    return []


def has_refurbishment(device) -> list[str]:
    if device.latest_refurbishment() is None:
        return ["No refurbishment is recorded: record the operating system and lock checks."]
    return []


def locks_removed(device) -> list[str]:
    refurbishment = device.latest_refurbishment()
    if refurbishment is None:
        return ["No refurbishment is recorded."]
    reasons = []
    if not refurbishment.operating_system:
        reasons.append("No operating system is recorded.")
    if not refurbishment.activation_lock_removed:
        reasons.append("The activation lock (iCloud, Google FRP) is not confirmed removed.")
    if not refurbishment.management_removed:
        reasons.append("Device management (MDM) is not confirmed removed.")
    return reasons


def graded(device) -> list[str]:
    if not device.grade:
        return ["The device has no cosmetic grade (A, B or C)."]
    return []


def not_in_transit(device) -> list[str]:
    if device.in_transit_to_id:
        return [f"The device is in transit to {device.in_transit_to}; it must be received first."]
    return []


GUARDS: dict[str, Guard] = {
    "storage_sanitised": storage_sanitised,
    "has_failed_erasure": has_failed_erasure,
    "has_assessment": has_assessment,
    "assessed_for_reuse": assessed_for_reuse,
    "has_refurbishment": has_refurbishment,
    "locks_removed": locks_removed,
    "graded": graded,
    "not_in_transit": not_in_transit,
}


# What must be true of a device for it to be in each state at all: a correction may only put a
# device back into a state whose requirements it meets.
STATE_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    State.ERASED: ("storage_sanitised",),
    State.ASSESSED: ("storage_sanitised", "has_assessment"),
    State.REFURBISHED: ("storage_sanitised", "assessed_for_reuse", "has_refurbishment"),
    State.READY: ("storage_sanitised", "assessed_for_reuse", "locks_removed", "graded"),
    State.ALLOCATED: ("storage_sanitised", "assessed_for_reuse", "locks_removed", "graded"),
    State.HANDED_OVER: ("storage_sanitised", "assessed_for_reuse", "locks_removed", "graded"),
}


def requirements_unmet(device, state: str) -> list[str]:
    """Why the device cannot be in `state` (empty when it can)."""
    reasons: list[str] = []
    for guard in STATE_REQUIREMENTS.get(state, ()):
        reasons.extend(GUARDS[guard](device))
    return reasons


# Guards satisfied by the very record a transition's form creates: checked after it is saved.
RECORD_GUARDS = frozenset({"has_assessment", "has_refurbishment"})


def check(device, transition_name: str, *, before_record: bool = False) -> list[str]:
    """Why `transition_name` cannot happen to `device` now; an empty list means it can.

    With `before_record`, guards met by the transition's own record (an assessment, a
    refurbishment) are skipped: the question is whether its form may be opened.
    """
    transition = TRANSITIONS[transition_name]
    if device.state not in transition.sources:
        allowed = ", ".join(state_label(s).lower() for s in transition.sources)
        return [
            f"The device is {state_label(device.state).lower()}; "
            f"“{transition.label.lower()}” needs it to be {allowed}."
        ]
    reasons: list[str] = []
    for guard in transition.guards:
        if before_record and guard in RECORD_GUARDS:
            continue
        reasons.extend(GUARDS[guard](device))
    return reasons

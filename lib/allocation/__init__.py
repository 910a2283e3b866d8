"""Fair allocation of ready devices to waiting referrals: plain data in, a Plan out.

Pure Python (NumPy and SciPy), no Django. `allocate` implements the policy of
docs/allocation.md exactly: hard rules, then the lexicographic max-min of the areas' weighted
fill rates, then as many devices used as possible, then each area's queue order (priority band,
longest waiting, id). Every match carries its explanation. `allocate_greedy` is the naive
first-come-first-served baseline the benchmark compares against. `Instance.from_json` reads the
instance format that anyone can use to check the engine on their own data.
"""

from lib.allocation.greedy import GREEDY_POLICY, allocate_greedy
from lib.allocation.model import (
    DEFAULT_WEIGHT,
    POLICY_VERSION,
    AreaFigures,
    Device,
    DeviceClass,
    Explanation,
    Instance,
    InstanceError,
    Match,
    Plan,
    Referral,
    compatible,
)
from lib.allocation.solver import allocate

__all__ = [
    "DEFAULT_WEIGHT",
    "GREEDY_POLICY",
    "POLICY_VERSION",
    "AreaFigures",
    "Device",
    "DeviceClass",
    "Explanation",
    "Instance",
    "InstanceError",
    "Match",
    "Plan",
    "Referral",
    "allocate",
    "allocate_greedy",
    "compatible",
]

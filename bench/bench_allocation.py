"""How fast a complete, fair allocation plan is made for a region, against first come first served.

Pure: no database. Each size runs in a fresh Python process, so its peak memory is its own:
  * generates BENCH_ALLOCATION_DEVICES ready devices (default 50,000) and
    BENCH_ALLOCATION_REFERRALS waiting referrals (default 200,000) over the seven West Midlands
    areas, with need weights from each area's IMD 2019 average score over the region's mean (as
    `allocation.weights.default_weights` sets them), 4 device types, 3 tiers, 3 priority bands,
    a quarter of the devices ring-fenced, people referred over two years;
  * times `lib.allocation.allocate` end to end (the fairness solve, the class-level assignment,
    each person's device and each match's explanation), best of BENCH_REPEAT runs (default 3);
  * times the baseline on the same instance in the same process: `allocate_greedy`, one queue
    for the whole region, each referral taking the first compatible device left;
  * prints both plans' fairness side by side: the smallest weighted fill rate, each area's
    weighted fill rate and the devices used;
  * prints the process's peak memory (its high-water mark, generating the instance included).
Then one line per size in BENCH_ALLOCATION_GROWTH (default "5000:20000,50000:200000,200000:800000",
devices:referrals) shows how the time grows, each size in its own process and timed once.
Targets: at most 3 s for the plan, peak memory at most 1 GB. The output says whether each is met.
"""

import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bench import _custody

TARGET_SECONDS = 3.0
TARGET_MB = 1024

# IMD 2019 average score (shared/data/west-midlands-areas.csv) and mid-2022 population.
AREAS = {
    "E08000025": ("Birmingham", "38.067", 1_157_603),
    "E08000026": ("Coventry", "25.613", 355_600),
    "E08000027": ("Dudley", "24.103", 324_969),
    "E08000028": ("Sandwell", "34.884", 344_210),
    "E08000029": ("Solihull", "17.370", 217_678),
    "E08000030": ("Walsall", "31.555", 286_105),
    "E08000031": ("Wolverhampton", "32.102", 267_651),
}
# Device type: (share of donations, share of requests, substitutes a person may also accept).
TYPES = {
    "laptop": (45, 50, ("desktop", "tablet")),
    "desktop": (15, 10, ("laptop",)),
    "tablet": (25, 25, ("laptop", "smartphone")),
    "smartphone": (15, 15, ("tablet",)),
}


def main() -> None:
    devices = _custody.env_int("BENCH_ALLOCATION_DEVICES", 50_000)
    referrals = _custody.env_int("BENCH_ALLOCATION_REFERRALS", 200_000)
    repeat = _custody.env_int("BENCH_REPEAT", 3)
    print(f"   {devices:,} devices, {referrals:,} referrals; best of {repeat}", flush=True)
    _run_worker("full", devices, referrals, repeat)
    growth = os.environ.get("BENCH_ALLOCATION_GROWTH", "5000:20000,50000:200000,200000:800000")
    print("   growth (one run each):", flush=True)
    for size in filter(None, growth.split(",")):
        size_devices, size_referrals = (int(n) for n in size.split(":"))
        _run_worker("line", size_devices, size_referrals, 1)


def _run_worker(mode: str, devices: int, referrals: int, repeat: int) -> None:
    command = [
        sys.executable,
        "-m",
        "bench.bench_allocation",
        _custody.WORKER_FLAG,
        mode,
        str(devices),
        str(referrals),
        str(repeat),
    ]
    completed = subprocess.run(command, cwd=_custody.ROOT, check=False)  # noqa: S603
    if completed.returncode:
        print(f"   the benchmark failed (exit status {completed.returncode})")


def worker(mode: str, devices: int, referrals: int, repeat: int) -> None:
    from lib.allocation import allocate, allocate_greedy

    started = time.perf_counter()
    instance = make_instance(devices, referrals, seed=2026)
    made = time.perf_counter() - started
    seconds, plan = _best_of(repeat, lambda: allocate(instance))
    greedy_seconds, greedy = _best_of(repeat, lambda: allocate_greedy(instance))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if mode == "line":
        print(
            f"   {devices:>9,} devices {referrals:>9,} referrals: plan {seconds:6.2f} s, "
            f"greedy {greedy_seconds:5.2f} s, peak {peak:,.0f} MB",
            flush=True,
        )
        return
    print(f"   instance generated in {made:.1f} s (not timed)")
    print(
        f"   plan:   {seconds:.2f} s (target {TARGET_SECONDS:.0f} s: "
        f"{'met' if seconds <= TARGET_SECONDS else 'MISSED'})"
    )
    print(f"   greedy: {greedy_seconds:.2f} s (baseline, same instance)")
    print(
        f"   peak memory {peak:,.0f} MB (target {TARGET_MB:,} MB: "
        f"{'met' if peak <= TARGET_MB else 'MISSED'})"
    )
    print(f"   {'':<15}{'weight':>7}{'waiting':>9}{'plan':>16}{'greedy':>16}")
    print(f"   {'':<15}{'':>7}{'':>9}{'got  weighted':>16}{'got  weighted':>16}")
    for code, figures in plan.by_area.items():
        other = greedy.by_area[code]
        print(
            f"   {AREAS[code][0]:<15}{figures.weight:>7.2f}{figures.waiting:>9,}"
            f"{figures.allocated:>8,}{figures.weighted_fill_rate:>8.4f}"
            f"{other.allocated:>8,}{other.weighted_fill_rate:>8.4f}"
        )
    print(
        f"   {'smallest':<31}{plan.min_weighted_fill_rate:>16.4f}"
        f"{greedy.min_weighted_fill_rate:>16.4f}"
    )
    print(f"   {'devices used':<31}{plan.devices_used:>16,}{greedy.devices_used:>16,}", flush=True)


def _best_of(repeat: int, run):
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        result = None  # let the last plan go before the next is made
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def make_instance(devices: int, referrals: int, *, seed: int):
    """A region's worth of ready devices and waiting referrals, the same for the same seed."""
    from lib.allocation import Device, Instance, Referral

    rng = random.Random(seed)
    codes = list(AREAS)
    scores = {code: Decimal(AREAS[code][1]) for code in codes}
    mean = sum(scores.values()) / len(scores)
    weights = {
        code: (score / mean).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for code, score in scores.items()
    }
    population = [AREAS[code][2] for code in codes]
    kinds = list(TYPES)
    device_areas = rng.choices(codes, population, k=devices)
    device_types = rng.choices(kinds, [TYPES[k][0] for k in kinds], k=devices)
    device_tiers = rng.choices([1, 2, 3], [30, 50, 20], k=devices)
    made_devices = [
        Device(
            id=f"D{n:07}",
            type=device_types[n],
            tier=device_tiers[n],
            area=device_areas[n],
            ring_fenced=rng.random() < 0.25,
        )
        for n in range(devices)
    ]
    # More people are referred where need is greater: population times deprivation.
    referral_areas = rng.choices(
        codes, [p * float(weights[c]) for p, c in zip(population, codes, strict=True)], k=referrals
    )
    wanted = rng.choices(kinds, [TYPES[k][1] for k in kinds], k=referrals)
    min_tiers = rng.choices([1, 2, 3], [60, 30, 10], k=referrals)
    priorities = rng.choices([1, 2, 3], [20, 30, 50], k=referrals)
    first_day = date(2024, 11, 1)
    days = [first_day + timedelta(days=n) for n in range(730)]
    accepts: dict[frozenset, frozenset] = {}  # one shared set per combination
    made_referrals = []
    for n in range(referrals):
        kind = wanted[n]
        choice = frozenset([kind, *(s for s in TYPES[kind][2] if rng.random() < 0.35)])
        made_referrals.append(
            Referral(
                id=f"R{n:07}",
                area=referral_areas[n],
                accepts=accepts.setdefault(choice, choice),
                min_tier=min_tiers[n],
                priority=priorities[n],
                referred_on=rng.choice(days),
            )
        )
    return Instance(devices=made_devices, referrals=made_referrals, weights=weights)


if __name__ == "__main__":
    if _custody.is_worker(sys.argv):
        worker(sys.argv[2], *(int(n) for n in sys.argv[3:6]))
    else:
        main()

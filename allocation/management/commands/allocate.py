import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lib import allocation as solver


class Command(BaseCommand):
    help = (
        "Run fair allocation: --dry-run (default) prints the plan; --commit stores and commits "
        "it; --instance PATH solves a JSON instance without touching the database."
    )

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="Plan only (the default).")
        mode.add_argument("--commit", action="store_true", help="Store the run and commit it.")
        mode.add_argument("--instance", type=Path, help="A JSON instance (docs/allocation.md).")
        parser.add_argument("--json", action="store_true", help="Print the plan as JSON.")
        parser.add_argument("--policy", default=solver.POLICY_VERSION, help="Policy version.")
        parser.add_argument("--user", help="E-mail of the coordinator committing (--commit).")

    def handle(self, *args, dry_run, commit, instance, json: bool, policy, user, **options):
        if policy != solver.POLICY_VERSION:
            raise CommandError(
                f"Policy {policy} is not available: this version implements {solver.POLICY_VERSION}."
            )
        if instance is not None:
            plan = self._solve_file(instance)
            self._print(plan.to_json(), plan, as_json=json)
            return
        from allocation import services
        from regions.models import Region

        region = Region.objects.current()
        if not commit:
            built, _ = services.build_instance(region)
            plan = solver.allocate(built)
            data = plan.to_json()
            data.pop("assignments")
            self._print(data, plan, as_json=json)
            return
        actor, organisation = self._coordinator(region, user)
        try:
            run = services.run_preview(region, actor=actor, organisation=organisation)
            report = services.run_commit(run, actor=actor, organisation=organisation)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        data = {
            "policy": run.policy_version,
            "run": str(run.uid),
            "matches": len(report.committed),
            "skipped": len(report.skipped),
            "by_area": run.by_area,
            "unallocated_devices": run.unallocated_devices,
            "unserved_referrals": run.unserved_referrals,
        }
        if json:
            self.stdout.write(_dumps(data))
        else:
            self.stdout.write(
                f"Committed {len(report.committed)} matches ({len(report.skipped)} left out) "
                f"under policy {run.policy_version}."
            )

    def _solve_file(self, path: Path):
        try:
            data = _loads(path.read_text(encoding="utf-8"))
            return solver.allocate(solver.Instance.from_json(data))
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {path}") from error
        except ValueError as error:  # JSON syntax, or InstanceError
            raise CommandError(f"{path}: {error}") from error

    def _coordinator(self, region, email):
        from organisations.models import Membership
        from organisations.roles import Role

        memberships = Membership.objects.filter(
            organisation__region=region, role=Role.COORDINATOR
        ).select_related("user", "organisation")
        if email:
            memberships = memberships.filter(user__email__iexact=email)
        membership = memberships.order_by("pk").first()
        if membership is None:
            raise CommandError("No coordinator found to commit as: give --user EMAIL.")
        return membership.user, membership.organisation

    def _print(self, data: dict, plan, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(f"Policy {plan.policy}: {plan.devices_used} matches.")
        for area, figures in plan.by_area.items():
            rate = figures.weighted_fill_rate
            self.stdout.write(
                f"  {area}: {figures.allocated} of {figures.waiting} waiting"
                + (f", weighted fill rate {rate:.3f}" if rate is not None else "")
            )
        self.stdout.write(
            f"{len(plan.unallocated_devices)} devices left over, "
            f"{len(plan.unserved_referrals)} people still waiting."
        )


def _dumps(data) -> str:
    return json.dumps(data, sort_keys=True, default=str)


def _loads(text: str):
    return json.loads(text)

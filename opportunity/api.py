"""The opportunity estimator over the API: public, for anyone planning an engagement campaign."""

from ninja import Field, Router, Schema
from ninja.errors import ValidationError

from api.schemas import ExactInput
from lib import opportunity as estimator

router = Router(tags=["opportunity"])


def _bounds(**limits) -> dict:
    # Documented in the schema, checked by the estimator itself so that its messages (which
    # the web form shows too) are the ones an API user reads.
    return {"json_schema_extra": limits}


def _factor(description: str, **limits):
    return Field(
        None, description=f"{description} Leave out for the central default.", **_bounds(**limits)
    )


MAXIMA = estimator.MAXIMA


class EstimateIn(ExactInput):
    employees: int = Field(
        description="Employees across the employers, e.g. 240000.",
        **_bounds(minimum=0, maximum=MAXIMA["employees"]),
    )
    years: float = Field(
        estimator.DEFAULT_YEARS,
        description="The period, in years.",
        **_bounds(exclusiveMinimum=0, maximum=MAXIMA["years"]),
    )
    devices_per_employee: float | None = _factor(
        "Devices the employer provides per employee.",
        minimum=0,
        maximum=MAXIMA["devices_per_employee"],
    )
    refresh_years: float | None = _factor(
        "Years a device is used before it is replaced.",
        minimum=estimator.MIN_REFRESH_YEARS,
        maximum=MAXIMA["refresh_years"],
    )
    share_released: float | None = _factor(
        "Share (0 to 1) of retired devices released.", minimum=0, maximum=1
    )
    share_reusable: float | None = _factor(
        "Share (0 to 1) of released devices rehomed.", minimum=0, maximum=1
    )


class EstimateRangeOut(Schema):
    devices_available: int
    devices_rehomed: int


class AssumptionsOut(Schema):
    devices_per_employee: float
    refresh_years: float
    share_released: float
    share_reusable: float


class AssumptionSetsOut(Schema):
    low: AssumptionsOut
    central: AssumptionsOut
    high: AssumptionsOut


class EstimateOut(Schema):
    employees: int
    years: float
    devices_available: int = Field(description="Central estimate of devices released.")
    devices_rehomed: int = Field(description="Central estimate of devices reaching a person.")
    low: EstimateRangeOut
    high: EstimateRangeOut
    assumptions: AssumptionSetsOut


@router.post(
    "/opportunity/estimate",
    response={200: EstimateOut},
    auth=None,
    summary="Estimate the devices a workforce could give",
)
def opportunity_estimate(request, payload: EstimateIn):
    """Public: devices available and rehomed (central, low and high) for `employees` over `years`.

    Devices available = employees * devices per employee * (years / refresh cycle) * share
    released; rehomed = available * share reusable and donated. The central defaults are
    calibrated to the West Midlands snapshot (240,000 employees over four years: about 131,275
    available, 37,842 rehomed).
    """
    try:
        result = estimator.estimate(
            employees=payload.employees,
            years=payload.years,
            overrides={name: getattr(payload, name) for name in estimator.FACTORS},
        )
    except estimator.EstimateError as error:
        raise ValidationError(
            [
                {"type": "value_error", "loc": ["body", "payload", name], "msg": message}
                for name, message in error.problems.items()
            ]
        ) from error
    return result.as_dict()

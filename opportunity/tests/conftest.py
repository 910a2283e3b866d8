import pytest

from lib.opportunity import Employer
from opportunity import services
from opportunity.models import Prospect


@pytest.fixture
def add_prospect(personas):
    """Add an employer to the personas' region's pipeline, through the import service."""

    def add(name="Acme Foundry", employees=1_000, sector="Manufacturing", **factors) -> Prospect:
        services.prospects_import(
            region=personas.region,
            employers=[Employer(2, name, employees, sector, factors)],
            actor=personas.coordinator,
        )
        return Prospect.objects.get(name=name)

    return add


@pytest.fixture
def prospect(add_prospect):
    return add_prospect()

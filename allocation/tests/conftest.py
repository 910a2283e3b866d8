from referrals.tests.conftest import allocated, refer  # noqa: F401  (shared fixtures)

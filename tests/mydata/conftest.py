"""The activity fixtures, for members with sign-ups."""

from tests.activities.conftest import categories, plan  # noqa: F401

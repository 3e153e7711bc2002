# The clock fixture of organisational life: at(y, m, d[, h]) freezes the clock there (Shanghai time).
from tests.meetings.conftest import at  # noqa: F401

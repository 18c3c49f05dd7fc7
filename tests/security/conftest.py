import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """These tests send hundreds of submissions from one address: leave the
    throttle's counters as they found them for the tests that follow."""
    cache.clear()
    yield
    cache.clear()

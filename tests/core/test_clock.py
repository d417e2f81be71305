from datetime import UTC, datetime, timedelta

import pytest

from helpmesh.core import clock


def test_frozen_clock_moves_only_when_told():
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    with clock.frozen(start):
        assert clock.now() == start
        assert clock.advance(timedelta(hours=2)) == start + timedelta(hours=2)
        assert clock.now() == start + timedelta(hours=2)
    assert clock.now() != start


def test_frozen_needs_an_aware_time():
    with pytest.raises(ValueError), clock.frozen(datetime(2026, 1, 1)):
        pass

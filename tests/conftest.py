"""Fixtures for every test; the plain functions behind them are in helpers.py."""

from __future__ import annotations

import pytest

import netsim

from helpers import new_host


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "host(name=, seed=, init=, hints=): how the `host` fixture makes its host "
                   "(the keywords of helpers.new_host)")


@pytest.fixture
def host(request: pytest.FixtureRequest) -> netsim.Host:
    """The one host of a fresh lab (``host.lab``): by default h1 after the oracle's host
    init, as the transcripts recorded on Linux start.

    A module (``pytestmark = pytest.mark.host(...)``) or a test (``@pytest.mark.host``)
    asks for another one with :func:`helpers.new_host`'s keywords.
    """
    marker = request.node.get_closest_marker("host")
    return new_host(**(marker.kwargs if marker else {}))

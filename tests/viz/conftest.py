"""Fixtures of the drawing tests."""

from __future__ import annotations

import pytest

from netsim import scenarios


@pytest.fixture(autouse=True)
def _close_figures():
    """Every figure a test drew is closed after it (pyplot keeps them all open otherwise)."""
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


@pytest.fixture(scope="module")
def labs(request: pytest.FixtureRequest) -> dict:
    """One lab with two VMs for each network mode of the module's ``MODES``, made once."""
    return {mode: getattr(scenarios, mode)(vms=2) for mode in request.module.MODES}

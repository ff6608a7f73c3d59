"""``python -m netsim``: the same program as the ``netsim`` command."""

import sys

from netsim.app.main import entry

sys.exit(entry())

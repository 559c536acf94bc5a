"""``python -m tvtui`` is the ``tvtui`` command."""

import sys

from tvtui.cli import main

sys.exit(main())

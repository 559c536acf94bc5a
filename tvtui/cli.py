"""The ``tvtui`` command: the app by default, ``tvtui stream ...`` for the headless face,
``tvtui serve ...`` for the app in a browser, ``tvtui alerts [--watch]`` for the alerts.

Only argument dispatch lives here; each face parses its own options, so ``tvtui stream`` never
imports Textual and the app never imports the headless printer.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "stream":
        from tvtui.headless import main as stream_main

        return stream_main(args[1:])
    if args and args[0] == "serve":
        return _serve(args[1:])
    if args and args[0] == "alerts":  # the configured alerts, listed or run headless
        from tvtui.headless_alerts import main as alerts_main

        return alerts_main(args[1:])
    from tvtui.ui.launch import main as app_main

    return app_main(args)


def _serve(args: list[str]) -> int:
    """``tvtui serve ...``: the app in browser tabs (tvtui/web); imports neither face."""
    from tvtui.web.serve import main as serve_main

    return serve_main(args)


if __name__ == "__main__":
    sys.exit(main())

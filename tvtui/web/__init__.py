"""``tvtui serve``: the workstation in a browser tab, one ``tvtui`` process per tab.

Built on ``textual-serve`` (aiohttp + xterm.js). :mod:`tvtui.web.serve` parses the command line
and refuses unsafe binds; :mod:`tvtui.web.server` owns the HTTP server and every app process it
starts. Neither imports the app: the app runs in child processes.
"""

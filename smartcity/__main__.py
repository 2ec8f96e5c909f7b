"""``python -m smartcity``: the same command as ``smartcity-reports`` and ``run_reports.py``."""

import sys

from smartcity.runner.cli import main

if __name__ == "__main__":
    sys.exit(main())

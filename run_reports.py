#!/usr/bin/env python3
"""Build the Smart City Index reports. See `python run_reports.py --help` and docs/runner.md."""

import sys

from smartcity.runner.cli import main

if __name__ == "__main__":
    sys.exit(main())

"""Rapport's entry point: the window, or a command (see `python main.py --help`)."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())

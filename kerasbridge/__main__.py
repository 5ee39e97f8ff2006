"""`python -m kerasbridge ...` (see `kerasbridge.cli`)."""

from kerasbridge.cli import main

main()

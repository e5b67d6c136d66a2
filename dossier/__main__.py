"""`python -m dossier` runs the command line."""

from dossier.cli import main

main()

"""`python -m dossier` runs the command line (the browser without the parser when that is all it asks)."""

from dossier.launch import main

main()

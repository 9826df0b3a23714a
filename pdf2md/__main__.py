"""``python -m pdf2md`` runs the command-line interface."""

from pdf2md.cli import main

main()

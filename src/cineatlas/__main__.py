"""`python -m cineatlas`: the `cineatlas` command."""

from cineatlas.cli import main

main()

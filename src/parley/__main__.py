"""`python -m parley`: the same command line as the `parley` script."""

from .cli import main

main()

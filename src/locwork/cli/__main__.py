"""``python -m locwork.cli``: the same entry point as the console script."""

from locwork.cli.main import main

main()

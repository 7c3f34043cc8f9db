"""The ``locwork`` command line, as a package.

``main`` holds the group and the core commands; ``export``, ``replace``,
``score`` and ``tm`` hold commands of their own. The console script and
``python -m locwork.cli`` both enter through :func:`main`.
"""

from locwork.cli.common import LocworkGroup, emit_json
from locwork.cli.main import cli, main

__all__ = ["LocworkGroup", "cli", "emit_json", "main"]

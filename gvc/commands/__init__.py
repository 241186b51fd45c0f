"""CLI command groups beyond the core ones; each module defines ``add_commands(sub, common)``.

A module here only parses arguments and calls one public function (no logic), like
:mod:`gvc.cli`. Add a module's name to ``MODULES`` to register it.
"""

MODULES: tuple[str, ...] = (
    "gvc.commands.decompose",
    "gvc.commands.chain",
    "gvc.commands.lockin",
    "gvc.commands.pipeline",
    "gvc.commands.scenario",
    "gvc.commands.firms",
    "gvc.commands.groups",
    "gvc.commands.convert",
)

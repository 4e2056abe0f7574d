"""The ``st2sf`` command line: one module per command group, no logic (it calls the stage packages)."""

"""Project-level commands: scaffolding a new migration project."""

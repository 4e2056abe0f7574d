"""The sandbox's own error types (it never imports ``control``).

::

    SandboxProblem          base; the CLI prints .message and exits with .exit_code
    ├── BadInput            exit 2: a file, folder or option is wrong; the message says what to change
    └── SandboxFailure      exit 1: the work could not be done (server did not start, port taken, …)

API errors answered over HTTP are not exceptions of this tree: see :mod:`.api_errors`.
"""

from __future__ import annotations

__all__ = ["SandboxProblem", "BadInput", "SandboxFailure"]


class SandboxProblem(Exception):
    exit_code = 1
    code = "failure"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(SandboxProblem):
    exit_code = 2
    code = "bad_input"


class SandboxFailure(SandboxProblem):
    exit_code = 1
    code = "failure"

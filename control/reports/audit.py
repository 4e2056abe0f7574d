"""The audit's HTML report: the migration specification (spec.json) rendered for an admin.

Rendered with jinja2 from ``templates/audit.html.j2`` with autoescaping on: every value comes from the
tenant's data (notes with ``<script>``, names with ``&``) and is shown as text, never as markup. The
report is one self-contained file (inline CSS, no scripts, no external resources).
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["render_audit_report"]


def _env() -> Environment:
    env = Environment(loader=PackageLoader("control.reports", "templates"), autoescape=select_autoescape(["j2", "html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: f"{float(v) * 100:.1f} %"
    env.filters["num"] = lambda v: f"{v:,}" if isinstance(v, (int, float)) and not isinstance(v, bool) else v
    env.filters["show"] = _show
    return env


def _show(value: Any, limit: int = 80) -> str:
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else repr(value)
    if isinstance(value, str):
        text = repr(value)[1:-1] if value != value.strip() or "\n" in value else value
    return text if len(text) <= limit else text[:limit] + "…"


def render_audit_report(spec: dict[str, Any]) -> str:
    return _env().get_template("audit.html.j2").render(spec=spec)

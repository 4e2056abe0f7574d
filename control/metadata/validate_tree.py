"""``st2sf metadata validate``: every metadata file of the project against the official schema.

Walks ``force-app/main/default`` (every ``*-meta.xml``, generated or hand-written) and
``manifest/package.xml``; each document must parse, carry the Metadata API namespace, and validate
against the complex type its root element names. All problems are collected, with file, line and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from lxml import etree

from control.errors import Failure
from control.metadata.xsd import MD_NS, MetadataSchema

__all__ = ["FileProblem", "TreeReport", "MetadataInvalidError", "validate_metadata", "metadata_files"]


class FileProblem(NamedTuple):
    path: str
    line: int
    column: int
    message: str

    def one_line(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class TreeReport(NamedTuple):
    files: int
    problems: tuple[FileProblem, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"ok": not self.problems, "files": self.files, "problems": [p._asdict() for p in self.problems]}


class MetadataInvalidError(Failure):
    """Metadata files do not validate against the Metadata API schema."""

    code = "METADATA_INVALID"


def metadata_files(project: Path) -> list[Path]:
    source = project / "force-app" / "main" / "default"
    files = sorted(source.rglob("*-meta.xml")) if source.is_dir() else []
    manifest = project / "manifest" / "package.xml"
    return files + ([manifest] if manifest.is_file() else [])


def _check(path: Path, shown: str, schema: MetadataSchema) -> list[FileProblem]:
    try:
        document = etree.parse(str(path))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        return [FileProblem(shown, line, column, f"not well-formed XML: {exc.msg}")]
    root = document.getroot()
    qname = etree.QName(root)
    if qname.namespace != MD_NS:
        return [FileProblem(shown, root.sourceline or 1, 1,
                            f"the root element must be in the Metadata API namespace {MD_NS}")]
    if not schema.has_type(qname.localname):
        return [FileProblem(shown, root.sourceline or 1, 1, f"<{qname.localname}> is not a Metadata API type")]
    return [FileProblem(shown, p.line, p.column, p.message) for p in schema.validate(document)]


def validate_metadata(project: Path, *, schema: MetadataSchema | None = None, strict: bool = True) -> TreeReport:
    """Validate every metadata file of ``project``; with ``strict`` raise when any is invalid."""
    schema = schema or MetadataSchema.load()
    files = metadata_files(project)
    problems: list[FileProblem] = []
    for path in files:
        problems += _check(path, path.relative_to(project).as_posix(), schema)
    report = TreeReport(len(files), tuple(problems))
    if strict and problems:
        raise MetadataInvalidError(
            f"{len(problems)} problem(s) in the metadata against the Metadata API schema:\n"
            + "\n".join(p.one_line() for p in problems[:50]) + ("\n…" if len(problems) > 50 else ""),
            hint="Regenerate with `st2sf metadata generate`; fix hand-written files at the positions named.",
            problems=[p._asdict() for p in problems])
    return report

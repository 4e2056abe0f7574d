"""The embedding scorer (the [ai] extra, which `make bootstrap` installs with the CPU build of torch):
the weights' hash is checked, similar descriptions score higher than unrelated ones, and a proposal
says the embedding scorer ran."""

from __future__ import annotations

import pytest

from control.mapping.inventory import FieldOrigin, SourceType
from control.mapping.propose.embedding import WEIGHTS_SHA256, EmbeddingScorer, _sha256, weights_path
from control.mapping.propose.engine import propose_map
from control.mapping.propose.scorers import candidate_for
from control.mapping.propose.source import SourceColumn
from tests.support.mapping_eval import load_schemas, target_schema


@pytest.fixture(scope="module")
def scorer() -> EmbeddingScorer:
    return EmbeddingScorer.load()


def test_weights_are_the_verified_file() -> None:
    assert _sha256(weights_path()) == WEIGHTS_SHA256


def test_similar_meanings_score_higher(scorer) -> None:
    target = target_schema()
    column = SourceColumn("clients", "custom_fields.Telephone", "Telephone", SourceType.PHONE, FieldOrigin.CUSTOM)
    phone = scorer.features(column, candidate_for("Account", target.field("Account", "Phone"), "account"))
    industry = scorer.features(column, candidate_for("Account", target.field("Account", "Industry"), "account"))
    assert phone["embedding"] > industry["embedding"] + 0.05


def test_a_proposal_reports_the_embedding_scorer() -> None:
    schema = next(s for s in load_schemas() if s.name == "st_cf_numbered")
    proposal = propose_map(schema.inventory, target_schema(), profiles=schema.profiles, embeddings=True)
    assert proposal.scorers == ("lexical", "type", "values", "embedding")

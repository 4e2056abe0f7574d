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


@pytest.fixture(scope="module")
def held_out_with_embeddings(scorer):
    from tests.support.mapping_eval import metrics, run_schema

    target = target_schema()
    rows, threshold = [], {}
    for schema in load_schemas():
        if schema.split == "holdout":
            proposal, scored = run_schema(schema, target, embedder=scorer)
            threshold, rows = proposal.thresholds, rows + scored
    return metrics(rows, threshold)


@pytest.mark.slow
def test_held_out_figures_with_embeddings(held_out_with_embeddings) -> None:
    m = held_out_with_embeddings
    assert m.top1 >= 0.87 and m.hits3 >= 0.93, m  # floors: measured 0.880 and 0.937 (the target, 0.90, is not met)
    assert m.auto_precision >= 0.96 and m.auto_coverage >= 0.63 and m.ece <= 0.07, m  # floors: 0.966 at 0.645


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="not reached: held-out auto-accepted precision with embeddings 0.966 at "
                                       "coverage 0.645 (target 0.98 at 0.70); see docs/proposer.md §Evaluation")
def test_held_out_auto_accept_target_with_embeddings(held_out_with_embeddings) -> None:
    m = held_out_with_embeddings
    assert m.auto_precision >= 0.98 and m.auto_coverage >= 0.70, m

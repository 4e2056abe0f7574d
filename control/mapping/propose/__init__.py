"""The map proposer: ``st2sf map propose`` and ``st2sf map review`` (docs/proposer.md).

Public API::

    proposal = propose_map(inventory, target_schema, profiles=AuditProfiles(spec), decisions=Decisions.read(p))
    write_proposal(proposal, inventory, Path("mapping"))        # the map YAML, with rationales
    review = review_map(Path("mapping"))                         # rows to show, sort and filter

Modules: ``lexicon`` (words, abbreviations, synonym concepts), ``patterns`` (value shapes), ``source``
(flattened source columns and audit profiles), ``scorers`` (lexical, type, values), ``embedding``
(optional), ``model`` (logistic pair model, calibrated top/none models), ``routing`` (resource → object),
``route_split`` (work split by type, people matched to users, owner rules), ``matching`` (columns → fields
for one route), ``assignment`` (the one-to-one assignment), ``create`` (new fields and transforms),
``finish`` (names, specs, lookups, value maps of a route's decisions), ``picklists`` (value maps),
``engine`` (``propose_map``), ``proposal`` (the decision types), ``decisions`` (a reviewer's decisions
file), ``writer`` (map files), ``review`` (``review_map``, terminal and HTML), ``workspace`` (propose into
a folder and again from its snapshots).
"""

from __future__ import annotations

from control.mapping.propose.decisions import Decision, Decisions, Verdict
from control.mapping.propose.engine import propose_map
from control.mapping.propose.proposal import DecisionKind, FieldDecision, ObjectDecision, Proposal
from control.mapping.propose.source import AuditProfiles, inventory_from_audit, read_audit_spec
from control.mapping.propose.writer import write_proposal

__all__ = ["AuditProfiles", "Decision", "DecisionKind", "Decisions", "FieldDecision", "ObjectDecision", "Proposal",
           "Verdict", "inventory_from_audit", "propose_map", "read_audit_spec", "write_proposal"]

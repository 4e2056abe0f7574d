"""Picklist value maps: each source value → a value of the target picklist, a new value, or blank.

For a column mapped onto an existing picklist, every value the source can hold gets an entry:

* the same value (ignoring case and ``_``/spaces)                                   confidence 0.99
* a value the synonym groups call the same (``normal`` → ``Medium``, ``done`` → ``Closed``)   0.8
* a close spelling (rapidfuzz ≥ 85)                                                  the similarity × 0.9
* otherwise, for an open (unrestricted) picklist, a **new value** written for people,
  to add to the picklist (the validator warns until it is added)                     0.5
* otherwise (restricted picklist) the closest value, flagged for review                at most 0.3

For a new custom picklist the values are the source values written for people, one entry each.
"""

from __future__ import annotations

from typing import Sequence

from rapidfuzz import fuzz

from control.mapping.propose.create import pretty_value
from control.mapping.propose.proposal import ValueDecision
from control.mapping.propose.scorers import VALUE_SYNONYMS, normalise_value
from control.mapping.target_schema import TargetField

__all__ = ["map_values", "new_picklist_values"]


def _best(value: str, options: Sequence[str]) -> tuple[str | None, float, str]:
    key = value.strip().casefold().replace("_", " ")
    for option in options:
        if option.strip().casefold() == key:
            return option, 0.99, "same value"
    for group in VALUE_SYNONYMS:
        if key in group:
            for option in options:
                if option.strip().casefold() in group:
                    return option, 0.8, f"'{value}' means '{option}'"
    scored = sorted(((fuzz.ratio(normalise_value(value), normalise_value(o)) / 100.0, o) for o in options), reverse=True)
    if scored and scored[0][0] >= 0.85:
        return scored[0][1], round(scored[0][0] * 0.9, 3), f"similar spelling ({scored[0][0]:.0%})"
    if scored:
        return scored[0][1], round(min(0.3, scored[0][0] * 0.3), 3), "closest value; no real counterpart"
    return None, 0.0, "no values"


def map_values(values: Sequence[str], field: TargetField) -> tuple[ValueDecision, ...]:
    """One entry per source value (see the module docstring)."""
    out = []
    options = list(field.picklist_values)
    for value in values:
        target, confidence, reason = _best(value, options)
        if confidence < 0.5 and not field.restricted:
            out.append(ValueDecision(value, pretty_value(value), 0.5,
                                     (f"not in the {field.name} picklist: add '{pretty_value(value)}' to it",), True))
            continue
        if confidence < 0.5:
            reason = f"{reason}; {field.name} is restricted, so a value must be chosen: review"
        out.append(ValueDecision(value, target, confidence, (reason,)))
    return tuple(out)


def new_picklist_values(values: Sequence[str]) -> tuple[ValueDecision, ...]:
    """Entries for a new custom picklist: each value as people write it (case variants folded)."""
    canonical: dict[str, str] = {}
    for value in values:
        canonical.setdefault(pretty_value(value).casefold(), pretty_value(value))
    return tuple(ValueDecision(v, canonical[pretty_value(v).casefold()], 0.99, ("new picklist value",), True)
                 for v in values)

"""Building blocks shared by every model of the migration map.

Every model is frozen and forbids unknown keys, so a typo in the YAML (``traget:``) is an error with
its location, never a silently ignored line. Every *decision* in the map (an object rule, a route, a
field rule, a value-map entry, a target field) may carry a :class:`Rationale`: the proposer (issue 8)
writes its confidence and reasons there, a reviewer reads them beside the decision, and the map's
content hash ignores them (changing a reason does not change what the map does).
"""

from __future__ import annotations

import re
from typing import Annotated, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

__all__ = [
    "MapModel",
    "Rationale",
    "RunnerUp",
    "Scalar",
    "RouteName",
    "SObjectName",
    "FieldApiName",
    "API_NAME",
]

# A Salesforce API name: a letter, then letters, digits and single underscores, optional __c/__r suffix.
API_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?:__[cr])?$")


def _api_name(value: str) -> str:
    if len(value) > 43 or not API_NAME.match(value):
        raise ValueError(
            f"{value!r} is not a Salesforce API name (a letter, then letters, digits and single underscores, "
            "optionally ending in __c)"
        )
    return value


Scalar = Union[bool, int, float, str]

RouteName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,79}$")]
SObjectName = Annotated[str, AfterValidator(_api_name)]
FieldApiName = Annotated[str, AfterValidator(_api_name)]


class MapModel(BaseModel):
    """Base of every map model: immutable, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RunnerUp(MapModel):
    """A candidate the proposer ranked below its choice, with the score that ranked it."""

    target: str
    score: Annotated[float, Field(ge=0.0, le=1.0)]


class Rationale(MapModel):
    """Why a decision was made: how sure the proposer is and the reasons a reviewer should check.

    ``alternatives`` are the runners-up; ``review`` says what a person did with the decision
    (``{decision: accept|edit, by, at}``, from ``mapping/decisions.json``)."""

    confidence: Annotated[float, Field(ge=0.0, le=1.0)]
    reasons: tuple[str, ...] = ()
    proposed_by: str | None = None
    alternatives: tuple[RunnerUp, ...] = ()
    review: dict[str, str] | None = None

"""The load plan: dependency order, deferred lookups, API choice and the budget against the org's limits.

Public API::

    plan = make_plan(settings, name="migration", org="uat")   # Plan; LimitExceededError when it does not fit
    order = load_order(step_specs)                              # LoadOrder: steps, deferred lookups, cycles

Modules: ``graph`` (order, cycles), ``budget`` (API choice and costs), ``make`` (the plan).
"""

from control.plan.graph import Deferred, LoadOrder, load_order
from control.plan.make import PLAN_FORMAT, Plan, PlannedStep, make_plan

__all__ = ["Deferred", "LoadOrder", "PLAN_FORMAT", "Plan", "PlannedStep", "load_order", "make_plan"]

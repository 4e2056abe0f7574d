"""Load order (control.plan.graph) and build order (control.transform.order): parents first, self-lookups and
cycles deferred on the cheaper side, required cycles refused."""

from __future__ import annotations

import pytest

from control.datasets.steps import LookupSpec, StepSpec
from control.errors import UsageError
from control.plan.graph import load_order
from control.transform.order import Dependency, build_order


def spec(name: str, *lookups: tuple[str, tuple[str, ...], bool], sobject: str | None = None) -> StepSpec:
    return StepSpec(name, sobject or name.title(), name, (name,), tuple(l[0] for l in lookups),
                    tuple(LookupSpec(f, t, nillable, True) for f, t, nillable in lookups), "Ext__c", (), (), "load")


def test_parents_first_in_map_order_when_free() -> None:
    specs = [spec("contact", ("AccountId", ("account",), False)), spec("account"), spec("asset", ("AccountId", ("account",), False)),
             spec("task", ("WhatId", ("asset", "contact"), True))]
    order = load_order(specs)
    assert order.steps == ("account", "contact", "asset", "task") and order.deferred == ()


def test_self_lookups_and_cycles_are_deferred_on_the_smaller_side() -> None:
    specs = [spec("account", ("ParentId", ("account",), True)),
             spec("project", ("AccountId", ("account",), False), ("Primary__c", ("work_order",), True)),
             spec("work_order", ("AccountId", ("account",), False), ("Project__c", ("project",), True))]
    order = load_order(specs, {"account": 10, "project": 5, "work_order": 500})
    assert order.steps == ("account", "project", "work_order")
    assert [(d.step, d.field, d.after, d.reason) for d in order.deferred] == [
        ("account", "ParentId", "account", "self-lookup"), ("project", "Primary__c", "work_order", "cycle")]
    assert order.cycles == (("project", "work_order"),)
    flipped = load_order(specs, {"account": 10, "project": 5000, "work_order": 500})
    assert flipped.steps == ("account", "work_order", "project")
    assert flipped.after_of("work_order", "Project__c") == "project"


def test_a_cycle_of_required_lookups_cannot_be_ordered() -> None:
    specs = [spec("a", ("B__c", ("b",), False)), spec("b", ("A__c", ("a",), False))]
    with pytest.raises(UsageError, match="required lookups"):
        load_order(specs)


def test_build_order_defers_soft_dependencies_only() -> None:
    deps = [Dependency("work_orders", "projects", False, "wo", "Project__c"),
            Dependency("projects", "work_orders", False, "project", "Primary__c"),
            Dependency("notes", "work_orders", True, "note", None),
            Dependency("clients", "clients", False, "client", "ParentId")]
    order = build_order(["clients", "projects", "work_orders", "notes"], deps,
                        {"projects": 10, "work_orders": 100, "notes": 50})
    assert order.resources == ("clients", "projects", "work_orders", "notes")
    assert order.deferred == {("project", "Primary__c"), ("client", "ParentId")}
    with pytest.raises(UsageError, match="cycle"):
        build_order(["a", "b"], [Dependency("a", "b", True, "ra", None), Dependency("b", "a", True, "rb", None)], {})

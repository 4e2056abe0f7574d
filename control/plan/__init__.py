"""The load plan: dependency order, deferred lookups, API choice and the budget against the org's limits."""

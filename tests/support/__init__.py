"""Helpers shared by tests: running emulated orgs (salesforce_org.py)."""

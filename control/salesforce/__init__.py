"""Talking to Salesforce: resolving a named org to credentials, and the one place that builds a
``simple_salesforce.Salesforce`` client (see :mod:`control.salesforce.connection`)."""

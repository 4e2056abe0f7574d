"""Talking to Salesforce orgs: access (URL, session, CA bundle), the simple-salesforce client, describes.

The only package that constructs :class:`simple_salesforce.Salesforce` (see :mod:`.access`).
"""

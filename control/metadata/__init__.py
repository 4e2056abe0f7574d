"""Salesforce metadata generated from the map: SFDX source, schema validation, deploy (docs/metadata.md).

Public API::

    generate_metadata(project_root, check=False)     # map → force-app/main/default + manifest/
    validate_metadata(project_root)                  # every file against the Metadata API schema
    deploy_metadata(settings, org)                   # cci flow run deploy_migration_schema

Modules: ``xsd`` (the official schema from simple-salesforce's WSDL), ``xml_writer`` (lxml, schema
order), ``plan`` (what to generate), ``components`` (objects, fields, record types, processes, layouts,
tabs, permission sets), ``flows/`` (workflow → Flow translation and report), ``package_xml``,
``generate``, ``validate_tree``, ``deploy``.
"""

from control.metadata.deploy import DeployResult, deploy_metadata
from control.metadata.generate import GenerateResult, MetadataDriftError, generate_metadata, render_tree
from control.metadata.validate_tree import MetadataInvalidError, TreeReport, validate_metadata
from control.metadata.xsd import MetadataSchema

__all__ = [
    "DeployResult", "GenerateResult", "MetadataDriftError", "MetadataInvalidError", "MetadataSchema", "TreeReport",
    "deploy_metadata", "generate_metadata", "render_tree", "validate_metadata",
]

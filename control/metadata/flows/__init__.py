"""ServiceTracker workflows rebuilt as Salesforce Record-Triggered Flows (see :mod:`.translate`)."""

from control.metadata.flows.translate import translate_workflows
from control.metadata.flows.workflows import Workflow, read_workflows

__all__ = ["Workflow", "read_workflows", "translate_workflows"]

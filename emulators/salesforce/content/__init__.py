"""Salesforce Files in the org emulator: ContentVersion bodies on disk and the Content object rules.

* :mod:`.bodies` — where file bodies live (``<org folder>/content/``), written in a stream while their
  MD5 is computed; never held in the record store.
* :mod:`.rules` — what inserting a ContentVersion or a ContentDocumentLink does besides storing the row
  (the ContentDocument, checksum, size, version numbers, the owner's link; duplicate links refused).
"""

from emulators.salesforce.content.bodies import ContentBodies, StagedBody
from emulators.salesforce.content.rules import ContentRules

__all__ = ["ContentBodies", "StagedBody", "ContentRules"]

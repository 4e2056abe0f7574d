"""The Metadata API: SOAP deploy / retrieve / list / describe / read and the REST deployRequest.

Modules: :mod:`.xsd` (the schema from the WSDL), :mod:`.package` (deploy zips), :mod:`.context`
(one deploy's state and messages), :mod:`.objects`, :mod:`.fields`, :mod:`.processes`,
:mod:`.others`, :mod:`.tabs` (what each component type does to the org), :mod:`.deploy` (the whole deploy),
:mod:`.store` (what is kept), :mod:`.reading` and :mod:`.synthesize` (retrieve, list, read),
:mod:`.soap` (envelopes), :mod:`.service`, :mod:`.routes`.
"""

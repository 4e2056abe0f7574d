"""Local stand-ins for the two systems st2sf cannot reach here: a Salesforce org and a ServiceTracker tenant.

Emulators never import ``control``; ``control`` never imports emulators. They meet over HTTP(S)
and over the small JSON files an emulator writes when it is ready (see each emulator's README).
"""

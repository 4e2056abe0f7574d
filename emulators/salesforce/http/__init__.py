"""The org's HTTP surface: the ASGI app, routing, and one module per REST resource family."""

"""One org: identity and files, seed, creation, sessions and tokens, JWT checks, schema registry, runtime."""

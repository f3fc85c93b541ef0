"""A stand-in OpenID Connect provider for development, tests and the demo (never production)."""

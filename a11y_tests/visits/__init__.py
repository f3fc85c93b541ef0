"""One module per area: VISITS and EXCLUDED (see a11y_tests/registry.py)."""

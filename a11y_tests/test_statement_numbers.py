"""The accessibility statement quotes this suite's numbers (portal/data/
accessibility_statement.yaml). They must still be true: the suite may grow, never shrink
below what the statement says; the modes and languages must match exactly."""
from a11y_tests.coverage import counts
from portal.public import statement


def test_statement_numbers_are_still_true():
    quoted, actual = statement.load().checks, counts()
    assert quoted["modes"] == actual["modes"]
    assert quoted["languages"] == actual["languages"]
    fewer = {name: (number, actual[name]) for name, number in quoted.items()
             if actual[name] < number}
    assert not fewer, f"the suite now checks less than the statement says: {fewer}"

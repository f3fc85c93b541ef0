"""Time ``evaluate`` for all programmes: ``python -m bench.eligibility [calls]``.

The programme files are loaded and compiled once, before timing; the figure printed is the mean
time of one ``evaluate`` call (all 25 programmes) over a mix of full, partial and empty facts.
The target is at most 1 ms a call.
"""

from __future__ import annotations

import datetime
import sys
import time

from portal.eligibility import evaluate, programmes

ON = datetime.date(2026, 11, 28)
FACT_SETS = [
    {},
    {"age": 67, "sex": "female", "hukou": "huyi", "has_certificate": True,
     "disability_category": "visual", "disability_grade": 1, "household": "none",
     "needs_long_term_care": True, "work_injury_nursing": False},
    {"age": 30, "sex": "male", "hukou": "huyi", "xian_residence_permit": False,
     "has_certificate": True, "disability_category": "physical", "disability_grade": 2,
     "lower_limb": True, "household": "low_income", "needs_long_term_care": True,
     "work_injury_nursing": False, "orphan_support": False, "needs_assistive_device": True,
     "device_in_service_life": False, "needs_home_modification": True, "home_modifiable": True,
     "needs_rehab": True, "employment": "unemployed", "starting_business": False,
     "graduating_this_year": False, "recent_graduate_unemployed": False, "wants_training": True,
     "education_stage": "none", "parent_disabled_in_dibao": False,
     "owns_motorized_wheelchair": True, "rural": True, "farming_or_crafts": True},
    {"age": 5, "hukou": "xian", "needs_rehab": True},
]


def main(calls: int = 20_000) -> float:
    """Run ``calls`` evaluations; print and return the mean time per call in milliseconds."""
    loaded = time.perf_counter()
    count = len(programmes())  # loads and compiles the files once
    loaded = time.perf_counter() - loaded
    for facts in FACT_SETS:
        evaluate(facts, on=ON)
    start = time.perf_counter()
    for i in range(calls):
        evaluate(FACT_SETS[i % len(FACT_SETS)], on=ON)
    mean_ms = (time.perf_counter() - start) / calls * 1000
    print(f"loading {count} programme files: {loaded * 1000:.0f} ms (once)")
    print(f"evaluate(), all {count} programmes: {mean_ms:.3f} ms a call (mean of {calls} calls)")
    return mean_ms


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)

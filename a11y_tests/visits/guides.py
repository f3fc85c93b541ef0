"""办事指南 in the browser: the list, every programme's guide and every easy-read page."""
from a11y_tests.registry import Visit
from portal.eligibility import programmes

VISITS = [
    Visit("guides.index", "/programmes", "guides-index"),
    *[Visit("guides.programme", f"/programmes/{p.code}", f"guide-{p.code.replace('_', '-')}")
      for p in programmes()],
    *[Visit("guides.easy_read", f"/programmes/{p.code}/easy-read",
            f"guide-{p.code.replace('_', '-')}-easy-read")
      for p in programmes()],
]

EXCLUDED = {}

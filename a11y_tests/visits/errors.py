from a11y_tests.registry import Visit
from portal.web.errors import PAGES

VISITS = [
    Visit("testing.show_error", f"/_test/error/{code}", f"error-{code}") for code in sorted(PAGES)
] + [
    # A real unknown address, not only the test route.
    Visit("testing.show_error", "/no/such/page", "error-404-real"),
]

EXCLUDED = {
    "testing.sign_in": "test-only helper that signs the browser in; redirects, no page",
    "testing.sign_out": "test-only helper that signs the browser out; redirects, no page",
}

"""One app process of the scale-out test: its own create_app (own engine, own memory), signed in
as one account, POSTs forms as a browser would. Run in a separate (spawned) process."""
from __future__ import annotations

import re

# Both processes draw reference numbers from this same list, in the same order, so they
# collide on purpose: only the database's unique constraint can keep them apart.
SHARED_REFERENCES = [f"HY-2026-AAAA{a}{b}" for a in "CDEF" for b in "3467"]
_HIDDEN = re.compile(r'name="(csrf_token|version)" type="hidden" value="([^"]*)"')


def post_forms(database_url: str, uploads: str, phone: str, forms: list[tuple[str, str, dict]],
               start, results) -> None:
    """For each (page, action, data): open the page (its CSRF token and version), then – once
    both processes are ready – post every form. Puts (phone, [(action, status, Location)]) on
    results."""
    from portal import create_app
    from portal.applications import filing as applications

    references = iter(SHARED_REFERENCES)
    applications.new_reference = lambda today=None: next(references)
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                      "UPLOAD_FOLDER": uploads, "WTF_CSRF_ENABLED": True})
    outcome = []
    try:
        client = app.test_client()
        client.get(f"/_test/sign-in/{phone}")
        ready = []
        for page, action, data in forms:
            html = client.get(page).get_data(as_text=True)
            ready.append((action, {**dict(_HIDDEN.findall(html)), **data}))
        start.wait(timeout=60)
        for action, data in ready:
            response = client.post(action, data=data)
            outcome.append((action, response.status_code, response.headers.get("Location")))
    finally:
        results.put((phone, outcome))

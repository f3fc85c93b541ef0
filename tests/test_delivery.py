"""Static assets are fingerprinted and cached; responses are compressed when the client asks."""
import gzip
import re


def _css_url(client):
    html = client.get("/").get_data(as_text=True)
    return re.search(r'href="(/static/css/portal\.css\?v=[0-9a-f]{12})"', html).group(1)


def test_static_urls_carry_a_content_fingerprint(client):
    assert _css_url(client)


def test_fingerprinted_assets_are_cached_for_a_year(client):
    response = client.get(_css_url(client))
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]


def test_unversioned_assets_must_revalidate(client):
    response = client.get("/static/css/portal.css")
    assert "no-cache" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get("/static/css/portal.css", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_pages_are_compressed_with_gzip_or_brotli(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "鄠邑区".encode() in gzip.decompress(response.data)
    response = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]


def test_no_merge_conflict_markers_are_left_in_the_tree():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    markers = ("<<<<<<< ", ">>>>>>> ", "|||||||")
    for folder in ("portal", "templates", "static", "tests", "a11y_tests", "translations"):
        for path in (root / folder).rglob("*"):
            if path.suffix in {".py", ".html", ".css", ".js", ".yaml", ".po", ".pot", ".txt"}:
                for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                    assert not line.startswith(markers), f"conflict marker left in {path}"


def test_every_stylesheet_is_well_formed_so_no_rule_is_silently_dropped():
    """A lost closing brace makes the browser swallow every rule after it (a merge once dropped
    one, and the display modes, the settings bar and half the layout went with it)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for path in (root / "static").rglob("*.css"):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'", '""', text)
        depth = 0
        for number, line in enumerate(text.splitlines(), start=1):
            # A rule at the left margin is a top-level one (nested rules are indented): no
            # block may still be open when it starts.
            assert not (depth and re.match(r"^(@media|@supports|[.#a-zA-Z:*\[])", line)), (
                f"{path.name} line {number}: a rule starts inside an unclosed block")
            for character in line:
                depth += {"{": 1, "}": -1}.get(character, 0)
                assert depth >= 0, f"{path.name}: unmatched '}}' on line {number}"
        assert depth == 0, f"{path.name}: {depth} block(s) never closed"

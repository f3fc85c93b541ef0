"""Where the portal may send someone back to: only a path on this site."""
from urllib.parse import urlsplit


def same_site_path(target: str | None, default: str = "/") -> str:
    """Return `target` if it is a plain path on this site, else `default`."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target

"""Problems people report from the accessibility statement."""
from __future__ import annotations

from portal.content.models import AccessibilityReport
from portal.extensions import db


def record(page: str | None, description: str, contact: str | None) -> AccessibilityReport:
    report = AccessibilityReport(
        page=(page or "").strip() or None, description=description.strip(),
        contact=(contact or "").strip() or None, status="new",
    )
    db.session.add(report)
    db.session.commit()
    return report

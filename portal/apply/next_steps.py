"""What happens after an application is sent, in plain sentences with the time limits."""
from __future__ import annotations

from flask_babel import gettext as _

from portal.applications.filing import stages_after_submission


def next_steps(street_name: str) -> list[str]:
    """One sentence per review stage, with its time limit in working days."""
    sentences = {
        "submitted": lambda days: _("%(street)s便民服务中心在%(days)s个工作日内受理您的申请。",
                                    street=street_name, days=days),
        "accepted": lambda days: _("受理后，街道在%(days)s个工作日内完成初审，报区残联。",
                                   days=days),
        "street_checked": lambda days: _("区残联在%(days)s个工作日内审核。", days=days),
        "district_reviewed": lambda days: _("审核通过后，区民政局或区残联在%(days)s个工作日内"
                                            "作出决定。批准的，会进行公示。", days=days),
    }
    return [sentences[stage.status](stage.working_days) for stage in stages_after_submission()
            if stage.status in sentences]

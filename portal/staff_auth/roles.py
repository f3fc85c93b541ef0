"""What each staff role is called on pages (the roles themselves: portal.models.account)."""
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "street_officer": _l("街道工作人员"),
    "district_reviewer": _l("区残联审核人员"),
    "civil_affairs": _l("区民政审批人员"),
    "content_editor": _l("内容编辑"),
    "admin": _l("系统管理员"),
}

"""Error pages: every error is shown in the layout, in the user's language, never a traceback."""
from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

# code → (heading, what happened, what to do)
PAGES = {
    400: (_l("请求无法处理"), _l("页面收到的信息不完整或格式不对。"),
          _l("请返回上一页，检查后再试一次。")),
    403: (_l("您没有权限查看此页面"), _l("此页面只对有权限的用户开放。"),
          _l("如果您认为这是错误，请先登录，或拨打12385咨询。")),
    404: (_l("找不到此页面"), _l("您输入的网址可能有误，或者页面已经移走。"),
          _l("请检查网址，或从首页重新进入。")),
    405: (_l("无法用这种方式打开此页面"), _l("此页面不支持这种访问方式。"),
          _l("请从首页或上一页的链接重新进入。")),
    413: (_l("上传的文件太大"), _l("文件超过了允许的大小。"),
          _l("请压缩照片或分开上传后再试。您已填写的内容没有丢失。")),  # + the limits, a way back
    429: (_l("操作太频繁，请稍后再试"), _l("为了保护您的信息安全，短时间内的尝试次数有限制。"),
          _l("请等几分钟再试。如需帮助，请拨打12385。")),
    500: (_l("系统出现问题"), _l("很抱歉，系统暂时出现了问题，我们已经记录下来。"),
          _l("您已保存的内容不会丢失。请稍后再试，或拨打12385。")),
    503: (_l("服务暂时无法使用"), _l("系统正在维护或暂时繁忙。"),
          _l("您已保存的内容不会丢失。请稍后再试，或拨打12385。")),
}


def render_error(code: int):
    heading, what, todo = PAGES[code]
    extra = _too_large() if code == 413 else {}
    return render_template("errors/error.html", code=code, heading=heading, what=what,
                           todo=todo, **extra), code


def _too_large() -> dict:
    """For the 413 page: the limits as the configuration sets them, and the way back to the
    page the file was sent from. The upload forms post to their own page (the documents step,
    the answer to a request for information), so the request's own path – same site, never
    the Referer – is that page; only a page that can be opened (GET) is offered."""
    from portal.applications.documents import MAX_BYTES, readable_size

    limits = {"request_limit": readable_size(current_app.config["MAX_CONTENT_LENGTH"]),
              "file_limit": readable_size(MAX_BYTES)}
    rule = request.url_rule
    if request.method == "POST" and rule is not None and "GET" in (rule.methods or ()):
        kind = request.args.get("kind", "")
        anchor = "#" + kind if kind.replace("-", "").replace("_", "").isalnum() else ""
        limits["back_to"] = request.path + anchor
    return limits


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code if error.code in PAGES else 500
        if error.code not in PAGES and error.code and error.code < 500:
            code = 400
        response = render_error(code)
        if error.code == 405 and getattr(error, "valid_methods", None):
            return response[0], code, {"Allow": ", ".join(error.valid_methods)}
        return response

    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        """The database cannot be reached (down, restarting, connection lost): a calm 503 in
        the user's language, never a traceback. Other database errors are unexpected (500)."""
        unavailable = isinstance(error, (OperationalError, InterfaceError)) \
            or error.connection_invalidated
        _forget_failed_transaction()
        if not unavailable:
            return unexpected_error(error)
        current_app.logger.error("Database unavailable: %s", type(error.orig).__name__)
        if "_login_user" not in g:  # the page must not ask the database who is signed in
            from portal.extensions import login_manager
            g._login_user = login_manager.anonymous_user()
        body, code = render_error(503)
        return body, code, {"Retry-After": "30", "Cache-Control": "no-store"}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        current_app.logger.exception("Unhandled error", exc_info=error)
        return render_error(500)


def _forget_failed_transaction() -> None:
    from portal.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone; the pool replaces it
        current_app.logger.warning("Rollback after a database error failed", exc_info=True)

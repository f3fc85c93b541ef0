"""Sign-language media: editors upload, preview and withdraw it; anyone can get the files of
published media (the video with range requests, the captions, the transcript as text)."""
from __future__ import annotations

import io

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from portal.content.media import coverage as media_coverage
from portal.content.media import publishing, storage
from portal.content.media.pages import page_name
from portal.content.models import MediaAsset
from portal.extensions import db
from portal.media.access import editor_required, is_editor
from portal.media.forms import MediaUploadForm

bp = Blueprint("media", __name__, url_prefix="/media")


@bp.app_template_global()
def media_page_name(page_key: str) -> str:
    return page_name(page_key)


@bp.get("/manage")
@editor_required
def manage():
    return render_template("media/manage.html", assets=publishing.assets_newest_first())


@bp.get("/manage/coverage")
@editor_required
def coverage():
    return render_template("media/coverage.html", groups=media_coverage.coverage())


@bp.route("/manage/upload", methods=["GET", "POST"])
@editor_required
def upload():
    form = MediaUploadForm()
    if form.validate_on_submit():
        asset = publishing.publish(
            form.page_key.data, form.title.data, form.video.data.stream, form.video_type,
            form.captions.data.stream, form.transcript.data, current_user)
        return redirect(url_for(".preview", asset_id=asset.id, published=1), 303)
    return render_template("media/upload.html", form=form), 400 if form.errors else 200


@bp.get("/manage/<int:asset_id>")
@editor_required
def preview(asset_id: int):
    asset = db.get_or_404(MediaAsset, asset_id)
    return render_template("media/preview.html", asset=asset,
                           published=request.args.get("published") == "1")


@bp.post("/manage/<int:asset_id>/withdraw")
@editor_required
def withdraw(asset_id: int):
    publishing.withdraw(db.get_or_404(MediaAsset, asset_id), current_user)
    return redirect(url_for(".manage"), 303)


def _visible_asset(*conditions) -> MediaAsset:
    """The asset a file belongs to: published ones for everyone, any for editors."""
    query = select(MediaAsset).where(*conditions)
    if not is_editor(current_user):
        query = query.where(MediaAsset.active.is_(True))
    asset = db.session.scalar(query.limit(1))
    if asset is None:
        abort(404)
    return asset


@bp.get("/files/<name>")
def file(name: str):
    if not storage.NAME.match(name):
        abort(404)
    asset = _visible_asset(or_(MediaAsset.video_file == name, MediaAsset.captions_file == name))
    path = storage.path_for(name)
    if path is None:
        abort(404)
    mimetype = asset.video_type if name == asset.video_file else "text/vtt"  # + charset=utf-8
    response = send_file(path, mimetype=mimetype, conditional=True, etag=True, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<int:asset_id>/transcript.txt")
def transcript(asset_id: int):
    asset = _visible_asset(MediaAsset.id == asset_id)
    data = io.BytesIO((asset.transcript + "\n").encode("utf-8"))
    return send_file(data, mimetype="text/plain", as_attachment=True,
                     download_name=_("手语视频文字稿-%(id)s.txt", id=asset.id))

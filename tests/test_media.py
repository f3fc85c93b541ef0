"""Sign-language media: checking uploads by content, the editors' pages and their access rules,
storing under random names, serving the files, the component, and the demo's sample."""
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.cli import demo_content as demo
from portal.content.media import samples, storage, validation
from portal.content.media.validation import MediaProblem
from portal.content.models import MediaAsset
from tests.conftest import csrf_token

EDITOR, ADMIN, RESIDENT, OFFICER = "13800000004", "13800000005", "13900000001", "13800000001"
WEBM = samples.VIDEO.read_bytes()
VTT = samples.CAPTIONS.read_bytes()
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64


def _vtt(*cues: str, header: str = "WEBVTT") -> bytes:
    return (header + "\n\n" + "\n\n".join(cues) + "\n").encode("utf-8")


# --- the video's type comes from its bytes -----------------------------------------------------

@pytest.mark.parametrize("head, kind", [
    (WEBM[:64], "video/webm"),
    (MP4_HEAD, "video/mp4"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska" + b"\x00" * 40, None),  # .mkv
    (b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 50, None),                                # .mov
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 60, None),
    (b"<html><script>alert(1)</script>", None),
    (b"", None),
])
def test_video_type_is_read_from_the_content(head, kind):
    assert validation.video_type(head) == kind


def test_check_video_refuses_empty_wrong_and_too_big():
    assert validation.check_video(io.BytesIO(WEBM)) == "video/webm"
    for data, words in ((b"", "是空的"), (b"GIF89a" + b"\x00" * 100, "不是WebM或MP4"),
                        (WEBM, "不能超过")):
        with pytest.raises(MediaProblem, match=words):
            validation.check_video(io.BytesIO(data), max_bytes=len(WEBM) - 1 if data else 10)


# --- WebVTT --------------------------------------------------------------------------------------

def test_sample_captions_parse():
    cues = validation.parse_captions(VTT)
    assert len(cues) == 3 and cues[0].start == 0 and cues[-1].end == 10
    assert cues[0].text.startswith("【示例】")


def test_captions_with_bom_crlf_identifiers_notes_and_settings():
    data = ("\ufeffWEBVTT Kind: captions\r\nLanguage: zh-CN\r\n\r\nNOTE made for tests\r\n\r\n"
            "intro\r\n00:01.000 --> 00:02.500 align:start line:0\r\n你好\r\n\r\n"
            "01:00:00.000 --> 01:00:01.000\r\n<v 讲解员>再见</v>\r\n").encode("utf-8")
    cues = validation.parse_captions(data)
    assert [(c.start, c.end) for c in cues] == [(1.0, 2.5), (3600.0, 3601.0)]


@pytest.mark.parametrize("data, words", [
    (b"", "是空的"),
    (b"\xff\xfe\x00W\x00E", "UTF-8"),
    ("WEBVTT\x00\n\n00:01.000 --> 00:02.000\nx\n".encode(), "UTF-8"),
    (b"1\n00:00:01,000 --> 00:00:02,000\nSRT, not VTT\n", "第一行必须是"),
    (b"WEBVTTX\n\n00:01.000 --> 00:02.000\nx\n", "第一行必须是"),
    (b"WEBVTT\n00:01.000 --> 00:02.000\nx\n", "后面要空一行"),
    (_vtt("00:01 --> 00:02.000\nx"), "时间格式不对"),
    (_vtt("00:01.000 -> 00:02.000\nx"), "时间格式不对"),
    (_vtt("just-an-identifier"), "缺少时间"),
    (_vtt("00:61.000 --> 00:62.000\nx"), "时间格式不对"),
    (_vtt("00:03.000 --> 00:02.000\nx"), "结束时间必须晚于"),
    (_vtt("00:03.000 --> 00:04.000\na", "00:01.000 --> 00:02.000\nb"), "早于上一条"),
    (_vtt("00:01.000 --> 00:02.000"), "没有文字"),
    (_vtt("00:01.000 --> 00:02.000\na\n00:02.000 --> 00:03.000\nb"), "缺少空行"),
    (_vtt("NOTE only a note"), "没有字幕内容"),
    (b"WEBVTT\n", "没有字幕内容"),
    (bytes(range(256)) * 4, "UTF-8"),
])
def test_captions_that_are_not_valid_webvtt_are_refused_with_a_reason(data, words):
    with pytest.raises(MediaProblem, match=words):
        validation.parse_captions(data)


def test_captions_size_limit():
    with pytest.raises(MediaProblem, match="不能超过"):
        validation.parse_captions(VTT, max_bytes=len(VTT) - 1)


# --- storage -------------------------------------------------------------------------------------

def test_files_get_random_names_in_the_media_folder(app):
    with app.app_context():
        first = storage.save(io.BytesIO(b"a"), ".vtt")
        second = storage.save(io.BytesIO(b"b"), ".vtt")
        assert first != second and storage.NAME.match(first)
        assert storage.path_for(first).parent == Path(app.config["UPLOAD_FOLDER"]) / "media"
        for bad in ("../secret.vtt", "x.vtt", first.upper(), first + "/", "a" * 32 + ".exe"):
            assert storage.path_for(bad) is None
        with pytest.raises(ValueError):
            storage.save(io.BytesIO(b"c"), ".vtt", name="../../evil.vtt")


# --- the editors' pages --------------------------------------------------------------------------

@pytest.fixture()
def seeded(db):
    """The demo's accounts (without the cost of hashing real passwords) and its sample."""
    from portal.accounts.models import Account

    editor = None
    for account in demo.ACCOUNTS:
        row = Account(phone=account.phone, password_hash="not-used", role=account.role,
                      display_name=demo.NAMES[account.phone])
        db.session.add(row)
        editor = row if account.role == "content_editor" else editor
    db.session.commit()
    samples.attach_demo_sample(editor)
    return db


def _sign_in(client, phone):
    assert client.get(f"/_test/sign-in/{phone}").status_code == 302


def _upload(client, **overrides):
    data = {
        "csrf_token": csrf_token(client, "/media/manage/upload"),
        "page_key": "guide:living_allowance", "title": "生活补贴 手语讲解",
        "video": (io.BytesIO(WEBM), "anything.txt"),          # the name does not matter
        "captions": (io.BytesIO(VTT), "captions.vtt"),
        "transcript": "第一段。\r\n\r\n第二段。  ",
    }
    data.update(overrides)
    return client.post("/media/manage/upload", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("path", ["/media/manage", "/media/manage/upload", "/media/manage/1"])
def test_editor_pages_need_sign_in(seeded, client, path):
    response = client.get(path)
    assert response.status_code in (302, 303, 400, 401)
    assert "手语视频管理" not in response.get_data(as_text=True)


@pytest.mark.parametrize("phone", [RESIDENT, OFFICER])
def test_other_roles_get_the_403_page(seeded, client, phone):
    _sign_in(client, phone)
    for path in ("/media/manage", "/media/manage/upload", "/media/manage/1"):
        response = client.get(path)
        assert response.status_code == 403
        assert "您没有权限查看此页面" in response.get_data(as_text=True)
    token = csrf_token(client, "/")
    assert client.post("/media/manage/1/withdraw", data={"csrf_token": token}).status_code == 403


@pytest.mark.parametrize("phone", [EDITOR, ADMIN])
def test_editors_and_admins_see_the_list(seeded, client, phone):
    _sign_in(client, phone)
    html = client.get("/media/manage").get_data(as_text=True)
    assert "<h1>手语视频管理</h1>" in html
    assert "重度残疾人护理补贴" in html and "（示例）" in html and "已发布" in html


def test_upload_publishes_stores_and_replaces(seeded, client, app):
    _sign_in(client, EDITOR)
    first = _upload(client)
    assert first.status_code == 303
    asset = seeded.session.scalar(select(MediaAsset).where(
        MediaAsset.page_key == "guide:living_allowance"))
    assert first.headers["Location"] == f"/media/manage/{asset.id}?published=1"
    assert asset.video_type == "video/webm" and asset.active and not asset.is_sample
    assert asset.transcript == "第一段。\n\n第二段。"
    folder = Path(app.config["UPLOAD_FOLDER"]) / "media"
    assert (folder / asset.video_file).read_bytes() == WEBM
    assert (folder / asset.captions_file).read_bytes() == VTT
    assert asset.video_file.endswith(".webm") and "anything" not in asset.video_file
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "手语视频已发布" in page and "困难残疾人生活补贴" in page
    audit = seeded.session.scalar(select(AuditEvent).where(AuditEvent.action == "media_published",
                                                           AuditEvent.object_id == str(asset.id)))
    assert audit is not None and audit.actor_account_id is not None

    second = _upload(client, title="新版")
    assert second.status_code == 303
    seeded.session.expire_all()
    assets = seeded.session.scalars(select(MediaAsset).where(
        MediaAsset.page_key == "guide:living_allowance").order_by(MediaAsset.id)).all()
    assert [a.active for a in assets] == [False, True]


def test_upload_errors_are_polite_and_keep_the_answers(seeded, client):
    _sign_in(client, EDITOR)
    response = _upload(client, video=(io.BytesIO(b"<svg onload=alert(1)>"), "video.webm"),
                       captions=(io.BytesIO(b"1\n00:00:01,000 --> 00:00:02,000\nx\n"), "a.vtt"),
                       page_key="guide:unknown", title="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>错误：上传手语视频" in html
    for message in ("请选择要放视频的页面", "请输入视频标题",
                    "这个文件不是WebM或MP4视频", "字幕文件的第一行必须是“WEBVTT”"):
        assert message in html
    assert "第一段。" in html                                   # the transcript is kept
    assert seeded.session.scalar(select(MediaAsset).where(
        MediaAsset.page_key == "guide:unknown")) is None


def test_upload_needs_the_files_and_a_transcript(seeded, client):
    _sign_in(client, EDITOR)
    response = client.post("/media/manage/upload", data={
        "csrf_token": csrf_token(client, "/media/manage/upload"),
        "page_key": "guide:legal_aid", "title": "x", "transcript": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("请选择手语视频文件", "请选择字幕文件", "请输入视频的文字稿"):
        assert message in html


def test_withdraw_takes_it_off_the_page_but_editors_still_see_it(seeded, client):
    asset = seeded.session.scalar(select(MediaAsset).where(MediaAsset.is_sample.is_(True)))
    video_url = f"/media/files/{asset.video_file}"
    assert client.get(video_url).status_code == 200
    _sign_in(client, EDITOR)
    response = client.post(f"/media/manage/{asset.id}/withdraw",
                           data={"csrf_token": csrf_token(client, "/media/manage")})
    assert response.status_code == 303 and response.headers["Location"] == "/media/manage"
    assert client.get(video_url).status_code == 200                         # editor
    assert "已停用，居民看不到" in client.get(f"/media/manage/{asset.id}").get_data(as_text=True)
    client.get("/_test/sign-out")
    assert client.get(video_url).status_code == 404                         # the public
    assert client.get(f"/media/{asset.id}/transcript.txt").status_code == 404


def test_preview_of_a_missing_asset_is_404(seeded, client):
    _sign_in(client, EDITOR)
    assert client.get("/media/manage/9999").status_code == 404


# --- serving the files ---------------------------------------------------------------------------

def test_files_are_served_with_their_type_nosniff_and_ranges(seeded, client):
    asset = seeded.session.scalar(select(MediaAsset).where(MediaAsset.is_sample.is_(True)))
    video = client.get(f"/media/files/{asset.video_file}")
    assert video.status_code == 200 and video.mimetype == "video/webm"
    assert video.headers["X-Content-Type-Options"] == "nosniff"
    assert video.headers["Accept-Ranges"] == "bytes" and video.data == WEBM
    part = client.get(f"/media/files/{asset.video_file}", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.data == WEBM[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(WEBM)}"
    captions = client.get(f"/media/files/{asset.captions_file}")
    assert captions.headers["Content-Type"] == "text/vtt; charset=utf-8" and captions.data == VTT
    transcript = client.get(f"/media/{asset.id}/transcript.txt")
    assert transcript.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert transcript.headers["Content-Disposition"].startswith("attachment;")
    assert transcript.get_data(as_text=True).startswith("【示例】这是一段示例视频")


@pytest.mark.parametrize("name", ["../../portal.sqlite3", "0" * 32 + ".webm", "x.webm",
                                  "%2e%2e%2fsecret"])
def test_only_known_files_are_served(seeded, client, name):
    assert client.get(f"/media/files/{name}").status_code == 404


# --- the component -------------------------------------------------------------------------------

def test_component_shows_video_captions_and_transcript_without_autoplay(seeded, client):
    _sign_in(client, EDITOR)
    asset = seeded.session.scalar(select(MediaAsset).where(MediaAsset.is_sample.is_(True)))
    html = client.get(f"/media/manage/{asset.id}").get_data(as_text=True)
    video = re.search(r"<video[^>]*>", html).group(0)
    assert "controls" in video and "autoplay" not in video and 'preload="metadata"' in video
    assert (f'<track kind="captions" src="/media/files/{asset.captions_file}" srclang="zh-CN" '
            f'label="中文字幕" default>') in html
    assert f'<source src="/media/files/{asset.video_file}" type="video/webm">' in html
    assert "<p>【示例】这是一段示例视频，不是正式的手语讲解。</p>" in html
    assert f'href="/media/{asset.id}/transcript.txt" download>下载文字稿（文本文件）' in html
    assert "这是演示用的示例视频" in html


def test_text_only_mode_leaves_the_video_out_and_keeps_its_words(seeded, client):
    _sign_in(client, EDITOR)
    client.set_cookie("display", "textonly=on")
    asset = seeded.session.scalar(select(MediaAsset).where(MediaAsset.is_sample.is_(True)))
    html = client.get(f"/media/manage/{asset.id}").get_data(as_text=True)
    assert "<video" not in html and "<track" not in html
    assert "纯文本模式不显示视频" in html and "【示例】这是一段示例视频" in html
    assert f'href="/media/files/{asset.video_file}">下载手语视频' in html


def test_page_without_media_says_so_and_points_to_written_help(app, db):
    with app.test_request_context("/"):
        from flask import render_template_string
        html = render_template_string(
            '{% from "components/sign_language.html" import sign_language %}'
            '{{ sign_language("guide:legal_aid") }}')
    assert "手语视频制作中" in html and "<video" not in html
    assert 'href="/help#written">用文字求助的方法</a>' in html


# --- the coverage page ---------------------------------------------------------------------------

def test_coverage_page_is_for_editors_only(seeded, client):
    assert "手语视频覆盖情况" not in client.get("/media/manage/coverage").get_data(as_text=True)
    for phone in (RESIDENT, OFFICER):
        _sign_in(client, phone)
        assert client.get("/media/manage/coverage").status_code == 403
        client.get("/_test/sign-out")


def _coverage_rows(html: str) -> dict[str, list[str]]:
    rows = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip()
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", "<th>" + row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def test_coverage_lists_every_guide_journey_and_notice_with_what_is_missing(seeded, client):
    from portal.content.media.pages import PAGES

    _sign_in(client, EDITOR)
    html = client.get("/media/manage/coverage").get_data(as_text=True)
    rows = _coverage_rows(html)
    assert len(rows) == len(PAGES) == 25 + 3 + 1
    assert rows["重度残疾人护理补贴"][0].startswith("有（示例）")
    assert rows["重度残疾人护理补贴"][1:] == ["有", "有"]
    assert rows["困难残疾人生活补贴"] == ["没有", "没有", "没有"]
    assert rows["网上申请"] == rows["两项补贴公示"] == ["没有", "没有", "没有"]
    assert "共25个，有正式手语视频的0个，只有示例视频的1个，还没有视频的24个" in html
    assert "共3个，有正式手语视频的0个，只有示例视频的0个，还没有视频的3个" in html

    _upload(client, page_key="journey:apply", title="网上申请 手语讲解")
    html = client.get("/media/manage/coverage").get_data(as_text=True)
    assert _coverage_rows(html)["网上申请"][1:] == ["有", "有"]
    assert _coverage_rows(html)["网上申请"][0].startswith("有")
    assert "共3个，有正式手语视频的1个，只有示例视频的0个，还没有视频的2个" in html
    # and the journey's page shows it (the upload's choice is a real slot, not a dead end)
    page = client.get("/apply/").get_data(as_text=True)
    assert "<video" in page and "网上申请 手语讲解" in page


def test_coverage_says_when_a_file_is_lost(seeded, client, app):
    asset = seeded.session.scalar(select(MediaAsset).where(MediaAsset.is_sample.is_(True)))
    with app.app_context():
        storage.remove(asset.captions_file)
    _sign_in(client, EDITOR)
    rows = _coverage_rows(client.get("/media/manage/coverage").get_data(as_text=True))
    assert rows["重度残疾人护理补贴"][1] == "没有"


# --- the demo sample -----------------------------------------------------------------------------

def test_sample_is_small_labelled_and_attached_by_the_seed_once(db, app):
    assert len(WEBM) < 300 * 1024
    assert "示例" in samples.TITLE and "【示例】" in samples.TRANSCRIPT.read_text(encoding="utf-8")
    seeded = db
    demo.seed()
    demo.seed()
    assets = seeded.session.scalars(select(MediaAsset).where(
        MediaAsset.page_key == "guide:nursing_allowance")).all()
    assert len(assets) == 1
    sample = assets[0]
    assert sample.is_sample and sample.active and sample.video_type == "video/webm"
    # Files lost (a new upload folder): seeding again puts them back under the same names.
    (Path(app.config["UPLOAD_FOLDER"]) / "media" / sample.video_file).unlink()
    demo.seed()
    assert storage.path_for(sample.video_file) is not None


def test_sample_files_pass_the_upload_checks():
    assert validation.check_video(io.BytesIO(WEBM)) == "video/webm"
    assert validation.parse_captions(VTT)


def test_mp4_is_recognised_and_stored_as_mp4(seeded, client):
    _sign_in(client, EDITOR)
    response = _upload(client, video=(io.BytesIO(MP4_HEAD + b"\x00" * 500), "clip.webm"),
                       page_key="guide:legal_aid")
    assert response.status_code == 303
    asset = seeded.session.scalar(select(MediaAsset).where(MediaAsset.page_key == "guide:legal_aid"))
    assert asset.video_type == "video/mp4" and asset.video_file.endswith(".mp4")
    assert client.get(f"/media/files/{asset.video_file}").mimetype == "video/mp4"


def test_upload_larger_than_the_request_limit_gets_the_413_page(seeded, client, app):
    _sign_in(client, EDITOR)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = _upload(client)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413 and "上传的文件太大" in response.get_data(as_text=True)

"""Sign-language media management (area: display-modes). The demo seed attaches the sample
video to the nursing allowance guide first, so it is asset 1 on the suite's fresh database."""
from a11y_tests.registry import Visit

EDITOR = "13800000004"     # demo content editor
RESIDENT = "13900000001"   # demo resident: not allowed in

VISITS = [
    Visit("media.manage", "/media/manage", "media-manage", account=EDITOR),
    Visit("media.upload", "/media/manage/upload", "media-upload", account=EDITOR),
    Visit("media.upload", "/media/manage/upload", "media-upload-errors", account=EDITOR,
          actions=(("click", "main form button[type=submit]"),),
          expect_text={"zh": "请选择手语视频文件", "en": "Please choose the sign-language video"}),
    Visit("media.coverage", "/media/manage/coverage", "media-coverage", account=EDITOR,
          expect_text={"zh": "手语视频制作中", "en": "Sign-language video in preparation"}),
    Visit("media.preview", "/media/manage/1", "media-preview", account=EDITOR,
          expect_text={"zh": "示例", "en": "Sample"}),
    Visit("media.manage", "/media/manage", "media-manage-forbidden", account=RESIDENT,
          expect_text={"zh": "您没有权限查看此页面", "en": "permission"}),
]

EXCLUDED = {
    "media.file": "serves the stored video and captions files (not pages); checked by "
                  "test_sign_language_video.py (plays, captions load, range requests)",
    "media.transcript": "a plain-text download of a transcript, not a page; its link is "
                        "checked on the preview page",
}

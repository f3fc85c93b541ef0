"""无障碍设置 and the accessibility statement's report form (area: display-modes)."""
from a11y_tests.registry import Visit

VISITS = [
    Visit("preferences.settings", "/preferences?next=/help", "preferences"),
    Visit("preferences.settings", "/preferences?next=/help&saved=1", "preferences-saved",
          expect_text={"zh": "设置已保存", "en": "saved"}),
    # The bar's GET (preferences.choose) answers with a redirect back; a value that is not a
    # choice shows the settings page with its error instead.
    Visit("preferences.choose", "/preferences/choose?size=huge&next=/help",
          "preferences-choose-error",
          expect_text={"zh": "请从“标准”“大”“特大”中选择文字大小", "en": "Please choose a text size"}),
    # The statement's report form with an error (nothing written), and its confirmation.
    Visit("public.accessibility_statement", "/accessibility", "accessibility-report-error",
          actions=(("click", "form[action^='/accessibility'] button[type=submit]"),),
          expect_text={"zh": "请写下您遇到的问题", "en": "Please describe the problem"}),
    Visit("public.accessibility_report_sent", "/accessibility/report-sent",
          "accessibility-report-sent"),
]

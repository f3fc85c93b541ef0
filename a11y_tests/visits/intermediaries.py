"""代办 in the browser: the village worker's pages, the street officer's pages for workers and
paper consents, and the person's (or guardian's) own page of consents.

The demo (portal/cli/demo_content.py _demo_consents): the worker 张建华 (13800000006, account
7, 甘亭街道东街社区) helps 张建国 (person 2, consent 1, given by a code) and 杜小龙 (consent 2,
on paper, signed by his guardian 李梅 – the demo resident – and confirmed by the street
officer); a paper consent for 刘桂芝 (consent 3) waits for the 甘亭 street officer. Visits change
nothing that counts: the worker's code is asked for an ID number nobody has (no text goes out),
and the other forms are only ever sent with their error.
"""
from datetime import date, timedelta

from a11y_tests.registry import Visit
from portal.cli.demo_content import make_id_number

WORKER, STREET, RESIDENT = "13800000006", "13800000001", "13900000001"
SUBMIT = ("click", "main form button[type=submit]")
NOBODY = make_id_number("610118", date(1960, 1, 1), 99)     # no one on record
UNTIL = (date.today() + timedelta(days=30)).isoformat()


def zh_en(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


ASK_CODE = (("fill", "#full_name", "王小明"), ("fill", "#id_number", NOBODY),
            ("check", "input[name=scopes][value=apply]"), ("fill", "#until", UNTIL), SUBMIT)

VISITS = [
    # The worker.
    Visit("intermediary.home", "/intermediary/", "intermediary-home", account=WORKER,
          expect_text=zh_en("张建国", "张建国")),
    Visit("intermediary.consent_by_code", "/intermediary/consents/code",
          "intermediary-consent-code", account=WORKER,
          expect_text=zh_en("居民同意的话", "If the resident agrees")),
    Visit("intermediary.consent_by_code", "/intermediary/consents/code",
          "intermediary-consent-code-error", account=WORKER, actions=(SUBMIT,),
          expect_text=zh_en("请至少选一项", "Please choose at least one")),
    Visit("intermediary.consent_code", "/intermediary/consents/code",
          "intermediary-consent-verify", account=WORKER, actions=ASK_CODE,
          expect_text=zh_en("输入居民告诉您的验证码", "the resident told you")),
    Visit("intermediary.consent_code", "/intermediary/consents/code",
          "intermediary-consent-verify-error", account=WORKER,
          actions=(*ASK_CODE, ("fill", "#code", "000000"), SUBMIT),
          expect_text=zh_en("验证码不对", "The code is wrong")),
    Visit("intermediary.consent_on_paper", "/intermediary/consents/paper",
          "intermediary-consent-paper", account=WORKER,
          expect_text=zh_en("签好字的同意书照片", "signed consent form")),
    Visit("intermediary.consent_on_paper", "/intermediary/consents/paper",
          "intermediary-consent-paper-error", account=WORKER, actions=(SUBMIT,),
          expect_text=zh_en("请选择同意书的照片", "Please choose a photo")),
    Visit("intermediary.resident", "/intermediary/residents/2/", "intermediary-resident",
          account=WORKER, expect_text=zh_en("HY-2026-DEMA4C", "HY-2026-DEMA4C")),
    # The street officer.
    Visit("intermediary.workers", "/staff/intermediaries/", "intermediary-workers",
          account=STREET, expect_text=zh_en("张建华", "张建华")),
    Visit("intermediary.new_worker", "/staff/intermediaries/new", "intermediary-worker-new",
          account=STREET, expect_text=zh_en("所在村（社区）", "Village or community")),
    Visit("intermediary.new_worker", "/staff/intermediaries/new",
          "intermediary-worker-new-error", account=STREET, actions=(SUBMIT,),
          expect_text=zh_en("请输入所在的村或社区", "Please enter the village or community")),
    Visit("intermediary.deactivate_worker", "/staff/intermediaries/7/deactivate",
          "intermediary-worker-deactivate", account=STREET,
          expect_text=zh_en("确定要停用这个代办员账号吗？", "deactivate")),
    Visit("intermediary.reset_worker_password", "/staff/intermediaries/7/password",
          "intermediary-worker-password", account=STREET,
          expect_text=zh_en("给代办员重设密码", "password")),
    Visit("intermediary.consent_worklist", "/staff/consents/", "intermediary-consents",
          account=STREET, expect_text=zh_en("刘桂芝", "刘桂芝")),
    Visit("intermediary.consent_case", "/staff/consents/3/", "intermediary-consent-pending",
          account=STREET, expect_text=zh_en("确认同意书", "Confirm the form")),
    Visit("intermediary.consent_case", "/staff/consents/1/", "intermediary-consent-active",
          account=STREET, expect_text=zh_en("结束这个同意", "End this consent")),
    # The person's guardian (李梅 for 杜小龙).
    Visit("intermediary.my_consents", "/account/consents/", "intermediary-my-consents",
          account=RESIDENT, expect_text=zh_en("张建华", "张建华")),
    Visit("intermediary.end_my_consent", "/account/consents/2/end",
          "intermediary-my-consent-end", account=RESIDENT,
          expect_text=zh_en("确定要结束这个代办同意吗？", "end this consent")),
]

EXCLUDED = {
    "intermediary.consent_form_file": "sends the photographed consent form (an image or PDF "
                                      "file, audited), not a page; tests/test_intermediaries.py "
                                      "checks it",
}

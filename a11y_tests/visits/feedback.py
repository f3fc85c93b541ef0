"""好差评 and 在线咨询 (issue 20) in the browser: rating a service (signed in, and by a text's
link), one's own ratings, the staff's 差评 follow-ups and overdue list, asking in writing, the
answer pages, the staff's question queue.

The demo (portal/cli/demo_content.py `_demo_feedback`): the resident 13900000001 rated
杜小龙's approval (HY-2026-DEMA7C) 非常满意 and 周海燕's refusal (HY-2026-DEMAFC) 不满意 – its
follow-up at 甘亭街道 open and overdue – and 孙立新's approval (HY-2026-DEMAEC) 非常不满意 – its
follow-up at 区民政 closed and itself rated; 赵淑珍's approval (HY-2026-DEMADC) is not rated
yet and has the text's link DEMO_RATING_TOKEN. Questions: one answered and published on the
nursing allowance guide, one waiting with a sign-language video, one about 马玉芳's application
(HY-2026-DEMA6C). Pages reached by an id (a rating, a follow-up, a question) are opened by
clicking their link on the page that lists them. No visit changes anything: the only forms
sent are the ones that fail.
"""
from a11y_tests.registry import Visit
from portal.cli.demo_content import DEMO_QUESTION_TOKENS, DEMO_RATING_TOKEN

RESIDENT = "13900000001"
STREET, DISTRICT, CIVIL, EDITOR, ADMIN = ("13800000001", "13800000002", "13800000003",
                                          "13800000004", "13800000005")
SUBMIT = ("click", "main form button[type=submit]")


def zh_en(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def visit(endpoint, path, name, actions=(), expect=None, account=RESIDENT):
    return Visit(endpoint, path, f"feedback-{name}", account=account, actions=tuple(actions),
                 expect_text=expect)


RATE_LINK = ("click", "a[href^='/rate/decision/']")
FOLLOW_UP_LINK = ("click", "main table a[href^='/staff/follow-ups/']")
QUESTION_LINK = ("click", "main table a[href^='/staff/questions/']")

VISITS = [
    # Rating on the portal: from the status page's invitation
    visit("rate.rate", "/status/applications/HY-2026-DEMADC/", "rate-new", [RATE_LINK],
          expect=zh_en("评价这次服务", "Rate this service")),
    visit("rate.rate", "/status/applications/HY-2026-DEMADC/", "rate-no-reason",
          [RATE_LINK, ("check", "#level-4"), SUBMIT],
          expect=zh_en("请选择至少一个原因", "choose at least one reason")),
    visit("rate.rate", "/status/applications/HY-2026-DEMA7C/", "rate-change", [RATE_LINK],
          expect=zh_en("修改您的评价", "Change your rating")),
    visit("rate.mine", "/rate/mine", "mine",
          expect=zh_en("已作解释说明", "Explained")),
    # By the text's link, signed out
    visit("rate.by_link", f"/rate/t/{DEMO_RATING_TOKEN}", "link", account=None,
          expect=zh_en("评价这次服务", "Rate this service")),
    visit("rate.by_link", "/rate/t/no-such-link", "link-invalid", account=None,
          expect=zh_en("这个评价链接已经不能用了", "This rating link no longer works")),
    visit("rate.thanks", "/rate/thanks", "thanks", account=None,
          expect=zh_en("谢谢您的评价", "Thank you for your rating")),
    # 差评 follow-ups
    visit("follow_ups.worklist", "/staff/follow-ups", "follow-ups-street", account=STREET,
          expect=zh_en("已超期", "overdue")),
    visit("follow_ups.worklist", "/staff/follow-ups?closed=1", "follow-ups-closed",
          account=CIVIL, expect=zh_en("已作解释说明", "Explained")),
    visit("follow_ups.follow_up", "/staff/follow-ups", "follow-up-open", [FOLLOW_UP_LINK],
          account=STREET, expect=zh_en("记录回访", "Record call-back")),
    visit("follow_ups.follow_up", "/staff/follow-ups", "follow-up-call-back-empty",
          [FOLLOW_UP_LINK, SUBMIT], account=STREET,
          expect=zh_en("请选择回访的方式", "Choose how you called back")),
    visit("follow_ups.follow_up", "/staff/follow-ups?closed=1", "follow-up-closed",
          [FOLLOW_UP_LINK], account=CIVIL, expect=zh_en("告诉评价人的说明",
                                                        "Explanation for the rater")),
    visit("follow_ups.overdue", "/staff/follow-ups/overdue", "follow-ups-overdue",
          account=ADMIN, expect=zh_en("超期的差评回访", "Overdue poor-rating follow-ups")),
    # Asking in writing
    visit("ask.new", "/ask/", "ask", account=None,
          expect=zh_en("在线咨询", "Ask a question")),
    visit("ask.new", "/ask/", "ask-empty", [SUBMIT], account=None,
          expect=zh_en("请写下您的问题", "Write your question")),
    visit("ask.new", "/ask/", "ask-signed-in",
          expect=zh_en("哪一份申请", "Which application")),
    visit("ask.question", f"/ask/q/{DEMO_QUESTION_TOKENS['answered']}", "answered",
          account=None, expect=zh_en("答复是文字", "The answer is in writing")),
    visit("ask.question", f"/ask/q/{DEMO_QUESTION_TOKENS['waiting']}?new=1", "asked",
          account=None, expect=zh_en("问题已提交", "Question sent")),
    visit("ask.mine", "/ask/mine", "my-questions",
          expect=zh_en("我的咨询", "My questions")),
    visit("ask.mine_one", "/ask/mine", "my-question", [("click", "main table a")],
          expect=zh_en("还没有答复", "Not answered yet")),
    # The staff's queue
    visit("staff_questions.queue", "/staff/questions", "questions-street", account=STREET,
          expect=zh_en("待答复的问题", "Questions waiting for an answer")),
    visit("staff_questions.queue", "/staff/questions?answered=1", "questions-answered",
          account=EDITOR, expect=zh_en("已答复的问题", "Answered questions")),
    visit("staff_questions.question", "/staff/questions", "question-video", [QUESTION_LINK],
          account=EDITOR, expect=zh_en("手语视频", "sign-language video")),
    visit("staff_questions.question", "/staff/questions", "question-answer-empty",
          [QUESTION_LINK, SUBMIT], account=STREET, expect=zh_en("请写下答复", "Write the answer")),
    visit("staff_questions.question", "/staff/questions?answered=1", "question-publish",
          [QUESTION_LINK], account=EDITOR,
          expect=zh_en("发布为常见问题", "Publish as a frequent question")),
]

EXCLUDED = {
    "staff_questions.video": "serves the sign-language video a resident attached (a file, not a "
                       "page); tests/feedback/test_questions.py checks who may fetch it",
}

"""The yearly review (年审) in the browser: the resident's pages and the staff worklists.

The demo (portal/cli/demo_content.py _demo_reviews) has one review, of 孙立新 (the demo
resident 13900000001 applied for him): this year's, open and past its last day (review 1),
and one re-evaluation row (1). No visit completes anything: the resident's visits stop
before the last confirmation (answers wait in the session), the staff's only submissions are
the ones that fail (error states).
"""
from a11y_tests.registry import Visit

RESIDENT, STREET, CIVIL = "13900000001", "13800000001", "13800000003"
SUBMIT = ("click", "main form button[type=submit]")
REVIEW = "/status/reviews/1/"


def zh_en(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


VISITS = [
    # The resident: what is known, has anything changed?
    Visit("reviews.start", REVIEW, "review-start", account=RESIDENT,
          expect_text=zh_en("上面这些情况有变化吗？", "Has any of this changed?")),
    Visit("reviews.start", REVIEW, "review-start-error", account=RESIDENT, actions=(SUBMIT,),
          expect_text=zh_en("请选择这些情况有没有变化",
                            "Please choose whether any of this has changed")),
    # Something changed: which? (none chosen: the error)
    Visit("reviews.changes", REVIEW + "changes", "review-changes", account=RESIDENT,
          expect_text=zh_en("哪些情况有变化？", "What has changed?")),
    Visit("reviews.changes", REVIEW + "changes", "review-changes-error", account=RESIDENT,
          actions=(SUBMIT,),
          expect_text=zh_en("请至少选择一项有变化的情况",
                            "Please choose at least one thing that has changed")),
    # Only the chosen facts asked (the household, the certificate's date), and their errors.
    Visit("reviews.details", REVIEW + "changes", "review-details", account=RESIDENT,
          actions=(("check", "input[name=which][value=household]"),
                   ("check", "input[name=which][value=certificate_valid_until]"), SUBMIT),
          expect_text=zh_en("现在的情况", "How things are now")),
    Visit("reviews.details", REVIEW + "changes", "review-details-error", account=RESIDENT,
          actions=(("check", "input[name=which][value=household]"),
                   ("check", "input[name=which][value=certificate_valid_until]"), SUBMIT,
                   ("fill", "#certificate_valid_until", "2036-02-30"), SUBMIT),
          expect_text=zh_en("这个日期不存在", "does not exist")),
    # Nothing changed: the check-answers page (not confirmed).
    Visit("reviews.check", REVIEW, "review-check", account=RESIDENT,
          actions=(("check", "input[name=changed][value=no]"), SUBMIT),
          expect_text=zh_en("检查后确认年审", "Check and confirm your yearly review")),
    # Staff: the worklists (the street officer's street; civil affairs every street).
    Visit("staff_reviews.worklist", "/staff/reviews/", "review-worklist-street",
          account=STREET, expect_text=zh_en("已逾期，尚未年审", "Overdue, not yet reviewed")),
    Visit("staff_reviews.worklist", "/staff/reviews/?street=ganting&state=overdue",
          "review-worklist-civil", account=CIVIL,
          expect_text=zh_en("孙立新", "孙立新")),
    Visit("staff_reviews.review", "/staff/reviews/1", "review-staff", account=STREET,
          expect_text=zh_en("登记上门核实", "Record a home visit")),
    Visit("staff_reviews.review", "/staff/reviews/1", "review-staff-error", account=STREET,
          actions=(("fill", "#visited_on", "2026-02-30"), SUBMIT),
          expect_text=zh_en("这个日期不存在", "does not exist")),
    Visit("staff_reviews.reevaluations", "/staff/reviews/reevaluations",
          "review-reevaluations", account=CIVIL, expect_text=zh_en("孙立新", "孙立新")),
    Visit("staff_reviews.reevaluation_row", "/staff/reviews/reevaluations/1",
          "review-reevaluation", account=STREET,
          expect_text=zh_en("依据：", "Basis:")),
    Visit("staff_reviews.reevaluation_row", "/staff/reviews/reevaluations/1",
          "review-reevaluation-error", account=STREET, actions=(SUBMIT,),
          expect_text=zh_en("请写明核实的情况", "Please write what you checked")),
]

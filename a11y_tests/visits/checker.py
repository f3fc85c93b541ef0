"""资格自测 in the browser: the start page, every question page as it opens and in its error state
(opened with the answers before it already in the session, through a test-only route – the
keyboard journeys in test_checker_keyboard.py answer every question as a resident would),
results for a few answer sets – the browser's own (with change links) and opened from a link –
and the page for a broken link."""
from a11y_tests.registry import Visit
from portal.checker import answer_link, flow
from tests.support.checker_profiles import PROFILES, answer_all, path

CONTINUE = ("click", "main form button[type=submit]")


def _paths():
    """For each question, the answers before it on the first profile whose path asks it."""
    found = {}
    for person in PROFILES.values():
        asked = path(answer_all({}, person))
        for position, (question_id, _) in enumerate(asked):
            found.setdefault(question_id, asked[:position])
    return found


def _answered_before(question_id: str, before) -> str:
    """The path that puts the answers before a question in the session and opens it (the
    self-check's keyboard journeys answer every question the way a resident does)."""
    link = answer_link.encode((flow.BY_ID[qid], token) for qid, token in before)
    return f"/_test/checker-answers?a={link}&next=/check/{question_id}"


def _question_visits():
    visits = []
    before = _paths()
    for question in flow.QUESTIONS:
        path = _answered_before(question.id, before[question.id])
        name = f"checker-question-{question.id.replace('_', '-')}"
        visits.append(Visit("checker.question", path, name,
                            expect_text={"zh": str(question.text), "en": question.text.en}))
        visits.append(Visit(
            "checker.question", path, f"{name}-error",
            actions=(CONTINUE,),  # sent without an answer: the error state
            expect_text={"zh": str(question.error), "en": question.error.en},
        ))
    return visits


def _link(person) -> str:
    return answer_link.encode(flow.walk(answer_all({}, person)).answered)


_OLDER = PROFILES["老年视力残疾人（一级，低保，需要照护）"]
_UNSURE = {**PROFILES["在职的精神残疾人（三级，需要康复）"], "disability_grade": None}
# The browser's own answers, all given: /check/results sends it on to its results link.
_FINISH = _answered_before("results", path(answer_all({}, _OLDER)))

VISITS = [
    Visit("checker.start", "/check", "checker-start"),
    *_question_visits(),
    Visit("checker.results", _FINISH, "checker-results-own",
          expect_text={"zh": "?change=results", "en": "?change=results"}),
    Visit("checker.results", f"/check/results?a={_link(_UNSURE)}", "checker-results-link-unsure",
          expect_text={"zh": "修改这些回答", "en": "Change these answers"}),
    *[Visit("checker.results", f"/check/results?a={_link(person)}",
            f"checker-results-link-{number}")
      for number, person in enumerate(PROFILES.values(), start=1)
      if person is not _OLDER][:3],
    Visit("checker.results", "/check/results?a=hukou.mars", "checker-results-bad-link",
          expect_text={"zh": "这个结果链接打不开", "en": "This results link cannot be opened"}),
]

EXCLUDED = {
    "testing.checker_answers": "test-only helper that puts answers in the session; redirects, "
                               "no page (every question page it opens is visited)",
}

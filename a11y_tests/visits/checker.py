"""资格自测 in the browser: the start page, every question page as it opens and in its error state
(reached by answering the questions before it, as a resident would), results for a few answer sets – the
browser's own (with change links) and opened from a link – and the page for a broken link."""
from a11y_tests.registry import Visit
from portal.checker import answer_link, flow
from tests.support.checker_profiles import PROFILES, answer_all, path

START = ("click", "form[action='/check/start'] button")
CONTINUE = ("click", "main form button[type=submit]")


def answer_actions(question_id: str, token: str) -> tuple:
    """The browser steps that give ``token`` as the answer to a question and send it."""
    question = flow.BY_ID[question_id]
    if question.kind == flow.NUMBER:
        return (("fill", "input[name=answer]", token), CONTINUE)
    if question.kind == flow.CHECKBOXES:
        boxes = token.split(flow.CODE_SEPARATOR)
        return tuple(("check", f"input[name=answer][value='{box}']") for box in boxes) + (CONTINUE,)
    return (("check", f"input[name=answer][value='{token}']"), CONTINUE)


def _paths():
    """For each question, the answers before it on the first profile whose path asks it."""
    found = {}
    for person in PROFILES.values():
        asked = path(answer_all({}, person))
        for position, (question_id, _) in enumerate(asked):
            found.setdefault(question_id, asked[:position])
    return found


def _question_visits():
    visits = []
    before = _paths()
    for question in flow.QUESTIONS:
        steps = (START,)
        for question_id, token in before[question.id]:
            steps += answer_actions(question_id, token)
        name = f"checker-question-{question.id.replace('_', '-')}"
        visits.append(Visit("checker.question", "/check", name, actions=steps,
                            expect_text={"zh": str(question.text), "en": question.text.en}))
        visits.append(Visit(
            "checker.question", "/check", f"{name}-error",
            actions=steps + (CONTINUE,),  # sent without an answer: the error state
            expect_text={"zh": str(question.error), "en": question.error.en},
        ))
    return visits


def _link(person) -> str:
    return answer_link.encode(flow.walk(answer_all({}, person)).answered)


_OLDER = PROFILES["老年视力残疾人（一级，低保，需要照护）"]
_UNSURE = {**PROFILES["在职的精神残疾人（三级，需要康复）"], "disability_grade": None}
_FINISH = (START,) + tuple(step for question_id, token in path(answer_all({}, _OLDER))
                           for step in answer_actions(question_id, token))

VISITS = [
    Visit("checker.start", "/check", "checker-start"),
    *_question_visits(),
    Visit("checker.results", "/check", "checker-results-own", actions=_FINISH,
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

EXCLUDED = {}

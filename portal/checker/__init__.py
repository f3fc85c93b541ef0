"""资格自测 – the self-check journey (see routes.py; the questions are data in questions.yaml)."""

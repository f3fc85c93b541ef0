"""The performance benchmark and its budgets (`make bench`, `python -m bench`). Outside the
`portal` package (pyproject ships only portal*): nothing here is part of the production app.

budgets.py  the numbers: page weight, kept pages and the self-check vs bare Flask, signed-in
            pages' p95, evaluate()
weight.py   what a browser downloads for a page (shared with tests/perf)
pages.py    the pages measured
wrk.py      the load, from wrk (Debian's package; installed by the run when missing and root)
load.py     one request at a time (signing in, checking, weighing)
servers.py  gunicorn for the portal and for the bare Flask app (hello.py), same settings
queue.py    seeds applications in bulk; `python -m bench.queue` times the staff queue's SQL
eligibility.py  `python -m bench.eligibility`: evaluate() for all programmes
__main__.py the run: seed, serve, sign in, load, weigh, print PASS/FAIL
"""

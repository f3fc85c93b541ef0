"""The performance benchmark and its budgets (`make bench`, `python -m portal.bench`).

budgets.py  the numbers: page weight, home page vs bare Flask, staff queue p95, evaluate()
weight.py   what a browser downloads for a page (shared with tests/perf)
pages.py    the pages measured
load.py     the load generator (why our own: see its docstring)
servers.py  gunicorn for the portal and for the bare Flask app (hello.py), same settings
__main__.py the run: seed, serve, sign in, load, weigh, print PASS/FAIL
"""

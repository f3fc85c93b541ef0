"""`make bench` prepares each database from its own process: the schema, the seed and the
reference of one of the bench resident's applications (the page it measures)."""
import re

import bench.__main__ as bench_main


def test_prepare_migrates_seeds_and_names_an_application(tmp_path, monkeypatch):
    monkeypatch.setattr(bench_main.servers, "ROOT", tmp_path)
    url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    reference = bench_main._prepare(url, 60)
    assert re.fullmatch(r"[A-Z0-9-]{6,}", reference), reference
    assert (tmp_path / "instance" / "bench" / "data-key").stat().st_mode & 0o077 == 0
    # A second run finds the rows there and names the same application.
    assert bench_main._prepare(url, 60) == reference


def test_the_seed_spreads_applications_over_many_filers(tmp_path):
    """As in the district, each account files a few applications (one account filing them all
    would make the planners scan the table for "what this account filed")."""
    from sqlalchemy import func, select

    from bench import queue
    from portal import create_app
    from portal.accounts.models import Account
    from portal.applications.models import Application
    from portal.extensions import db

    app = create_app({"ENV_NAME": "testing",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'seed.sqlite3'}"})
    with app.app_context():
        db.create_all()
        assert queue.seed(41) == 41
        per_filer = db.session.execute(
            select(Application.applicant_account_id, func.count())
            .group_by(Application.applicant_account_id)).all()
        assert max(count for _id, count in per_filer) <= queue.RESIDENT_OWN
        resident = db.session.scalar(select(Account.id).where(
            Account.phone == queue.BENCH_PHONES["resident"]))
        newest = db.session.scalar(select(Application.applicant_account_id)
                                   .order_by(Application.id.desc()).limit(1))
        assert newest == resident
        assert dict(per_filer)[resident] == queue.RESIDENT_OWN
        assert queue.seed(41) == 0

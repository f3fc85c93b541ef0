"""The WSGI app gunicorn serves in the end-to-end tests (tests/support/gunicorn_server.py): the
testing configuration on the test run's own database and upload folder, given by environment
variables, so the test and the server see the same rows."""
import os

from portal import create_app

app = create_app({
    "ENV_NAME": "testing",
    "SQLALCHEMY_DATABASE_URI": os.environ["SERVED_DATABASE_URL"],
    "UPLOAD_FOLDER": os.environ["SERVED_UPLOAD_FOLDER"],
    "MAX_CONTENT_LENGTH": int(os.environ.get("SERVED_MAX_CONTENT_LENGTH", 25 * 1024 * 1024)),
})

"""The bare Flask app the portal is compared with: one route, no extensions, the same gunicorn
settings. `gunicorn bench.hello:app`."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"

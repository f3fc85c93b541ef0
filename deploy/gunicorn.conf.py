"""gunicorn's settings for the portal in production (README "Production guide").

    gunicorn -c deploy/gunicorn.conf.py

Each setting can be changed by the environment named beside it; nothing secret is here.
"""
import multiprocessing
import os
import shutil

wsgi_app = "portal:create_app()"

# Behind the reverse proxy (deploy/nginx.conf), which is the only way in. In the container
# image the default 0.0.0.0:8000 is what EXPOSE says; on a host beside nginx use 127.0.0.1:8000.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Sync workers, two per core: the work is short CPU-bound page rendering plus database waits
# (README "Performance" measured this). The number is published as WEB_CONCURRENCY, which
# the portal reads to refuse per-process rate-limit counters with more than one worker
# (README "Running several workers or hosts").
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
os.environ["WEB_CONCURRENCY"] = str(workers)

# The app is loaded once, before the workers fork: a mistake in the settings or the keys
# stops the server at start-up instead of every worker failing, and workers share memory.
# Database connections are never shared across the fork: see post_fork below.
preload_app = True

# A sync worker is busy for the whole of a streamed export (a 100,000-row .xlsx takes about
# 20 s, README "Staff console: exporting a queue"); the master restarts a worker silent for
# longer than `timeout`. graceful_timeout lets exports finish when the workers are restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "120"))
keepalive = 5

# Forwarded headers are read in one place only, the app's ProxyFix with TRUSTED_PROXY_COUNT
# (README "Running several workers or hosts"): gunicorn itself believes none of them.
forwarded_allow_ips = ""
secure_scheme_headers = {}

# No control socket (gunicorn ≥ 25.1 opens one in $HOME by default, which the image's user
# cannot write and nobody uses: restarts go through the container or systemd).
control_socket_disable = True

# The heartbeat file on memory, not on a container's overlay disk (gunicorn's advice).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Logs to stdout/stderr (the container or systemd keeps them). The access log has no query
# string (a staff search's terms, a look-up's values), no Referer (the page before, with its
# query) and no address (the visitor's is in the proxy's log, if anywhere): time, method,
# path, protocol, status, bytes, milliseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


# Metrics of every worker (README "Running it: health, metrics, logs"): prometheus_client's
# multiprocess mode keeps them in PROMETHEUS_MULTIPROC_DIR, which must start empty. This file
# is read by the master before the app is loaded, so it is emptied here, once per start.
_metrics_folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _metrics_folder:
    shutil.rmtree(_metrics_folder, ignore_errors=True)
    os.makedirs(_metrics_folder, exist_ok=True)


def child_exit(server, worker):
    """A worker that ended stops counting in the live gauges (prometheus_client's step)."""
    if _metrics_folder:
        from portal.observability.metrics import child_exit as mark_dead

        mark_dead(server, worker)


def post_fork(server, worker):
    """Each worker opens its own database connections: any the master made while loading the
    app are left to it (SQLAlchemy's advice for forked processes)."""
    app = getattr(server.app, "callable", None)
    if app is None:
        return
    from portal.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)

"""Settings, read from environment variables. One class per environment.

`create_app(config)` takes one of these classes, its name ("development", "testing",
"production") or a plain dict of overrides.
"""
from __future__ import annotations

import os
from pathlib import Path

from portal import keys, languages

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "portal" / "data"   # the portal's own data files (streets, time limits, …)
INSTANCE = Path(os.environ.get("PORTAL_INSTANCE", ROOT / "instance"))


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _sqlalchemy_url(url: str) -> str:
    """Accept the usual `postgres://` / `postgresql://` forms and use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    ENV_NAME = "base"
    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _sqlalchemy_url(
        _env("DATABASE_URL", f"sqlite:///{INSTANCE / 'portal.sqlite3'}")
    )
    # hide_parameters: a database error's message never quotes the values of its statement
    # (names, phones, …), so neither does its log line.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    UPLOAD_FOLDER = _env("UPLOAD_FOLDER", str(INSTANCE / "uploads"))
    MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", str(25 * 1024 * 1024)))
    # Uploaded documents (portal/applications/documents.py). A photo's size is read from its header
    # and refused above this many pixels before it is decoded (24 MP: a 6000 × 4000 photo;
    # decoding costs about 3 bytes a pixel, and more while it is written again).
    MAX_IMAGE_PIXELS = int(_env("MAX_IMAGE_PIXELS", "24000000"))
    MAX_FILES_PER_DRAFT = 30               # files in one application's documents, in all
    MAX_FILES_PER_DOCUMENT_KIND = 10       # files for one document (one answer of the step)
    MAX_FILES_PER_ANSWER = 10              # files sent with one answer to a request (补正)
    PDF_MAX_PAGES = 200                    # a PDF is parsed to check it; larger ones refused
    PDF_MAX_OBJECTS = 50_000

    # Languages: Simplified Chinese first, English second.
    BABEL_DEFAULT_LOCALE = _env("DEFAULT_LOCALE", languages.DEFAULT_LOCALE)
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = tuple(language.locale for language in languages.LANGUAGES)

    WTF_CSRF_TIME_LIMIT = None  # no time limit on answering (WCAG 2.2.1); the session still ends

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    PREFERENCE_COOKIE_SECURE = True

    # Kept pages and their compressed bodies (portal/web/page_cache.py, Flask-Caching): in each
    # process's memory by default; CACHE_TYPE=RedisCache with CACHE_REDIS_URL=redis://… shares
    # them between workers and hosts (under CACHE_KEY_PREFIX).
    CACHE_TYPE = _env("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = _env("CACHE_REDIS_URL")
    CACHE_KEY_PREFIX = _env("CACHE_KEY_PREFIX", "huyi-portal/")
    CACHE_THRESHOLD = 1000                 # SimpleCache: entries kept, oldest out first
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # When the shared store (Redis) cannot be reached, each worker keeps counting in its own
    # memory (the limits still hold, per worker) and the limiter logs a warning; it goes back
    # to the store once it answers again. Any other error of the limiter is logged, never a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # How many worker processes share one memory:// store's limits. Production refuses
    # memory:// unless this says 1 (and no sign of more workers is found): with more, each
    # worker counts alone and every limit multiplies by their number (portal/web/rate_limits.py).
    PORTAL_WORKERS = int(_env("PORTAL_WORKERS", "0")) or None
    # Reverse proxies in front of the portal that add X-Forwarded-For / -Proto (nginx: 1).
    # 0: the headers are ignored, the client is the connection's address (a visitor could
    # forge them). Set it to exactly the number of proxies: limits and the audit log then see
    # the visitor's own address (werkzeug's ProxyFix).
    TRUSTED_PROXY_COUNT = int(_env("TRUSTED_PROXY_COUNT", "0"))

    SMS_BACKEND = _env("SMS_BACKEND", "outbox")
    # The cloud SMS gateways (portal/messages/gateways; README "Text messages through a cloud
    # SMS gateway"). Both: the registered signature (签名), the template id of every kind
    # ("kind=ID,kind@en=ID,…"), a time-out, and the secret in the receipt push's address.
    SMS_SIGN_NAME = _env("SMS_SIGN_NAME")
    SMS_TEMPLATE_IDS = _env("SMS_TEMPLATE_IDS")
    SMS_TIMEOUT_SECONDS = float(_env("SMS_TIMEOUT_SECONDS", "10"))
    SMS_RECEIPT_TOKEN = _env("SMS_RECEIPT_TOKEN")
    ALIYUN_SMS_ACCESS_KEY_ID = _env("ALIYUN_SMS_ACCESS_KEY_ID")
    ALIYUN_SMS_ACCESS_KEY_SECRET = _env("ALIYUN_SMS_ACCESS_KEY_SECRET")
    ALIYUN_SMS_ENDPOINT = _env("ALIYUN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
    ALIYUN_SMS_REGION = _env("ALIYUN_SMS_REGION", "cn-hangzhou")
    TENCENT_SMS_SECRET_ID = _env("TENCENT_SMS_SECRET_ID")
    TENCENT_SMS_SECRET_KEY = _env("TENCENT_SMS_SECRET_KEY")
    TENCENT_SMS_SDK_APP_ID = _env("TENCENT_SMS_SDK_APP_ID")
    TENCENT_SMS_ENDPOINT = _env("TENCENT_SMS_ENDPOINT", "https://sms.tencentcloudapi.com/")
    TENCENT_SMS_REGION = _env("TENCENT_SMS_REGION", "ap-guangzhou")

    # Running it (portal/observability): log lines as JSON or text, from LOG_LEVEL up; the
    # bearer token Prometheus sends for /metrics (unset: /metrics is off); how long /readyz
    # waits for each dependency.
    LOG_FORMAT = _env("LOG_FORMAT", "text")
    LOG_LEVEL = _env("LOG_LEVEL", "INFO")
    METRICS_TOKEN = _env("METRICS_TOKEN")
    READINESS_TIMEOUT_SECONDS = float(_env("READINESS_TIMEOUT_SECONDS", "2"))

    # Card numbers are encrypted at rest (portal/people/crypto.py): comma-separated Fernet
    # keys, newest first. Required in production; a public key is used elsewhere.
    DATA_ENCRYPTION_KEYS = _env("DATA_ENCRYPTION_KEYS")
    # The blind index (keyed hashes that find a person by ID number): comma-separated keys,
    # newest first; look-ups try each (portal/keys.py). ID_HASH_KEY: one key, read when
    # ID_HASH_KEYS is not set. Production checks every key at start (portal/keys.py).
    ID_HASH_KEYS = _env("ID_HASH_KEYS")
    ID_HASH_KEY = _env("ID_HASH_KEY")

    # Accounts and sign-in (portal/account, portal/staff_auth).
    SESSION_IDLE_MINUTES = int(_env("SESSION_IDLE_MINUTES", "30"))  # signed out after this
    SESSION_WARNING_SECONDS = 120          # the page warns this long before (WCAG 2.2.1: ≥ 20)
    # A draft's page sent after the session ended is kept (encrypted) this long for its
    # account to sign in again and find it back in the form (portal/web/kept_answers.py).
    KEPT_ANSWERS_HOURS = 24
    ONE_TIME_CODE_MINUTES = 10             # a code sent by SMS expires after this
    CONSENT_MAX_DAYS = 366                 # a consent to a village worker lasts at most a year
    ONE_TIME_CODE_MAX_ATTEMPTS = 5         # wrong entries before a code stops working
    SIGN_IN_FREE_FAILURES = 5              # failures in a row before sign-in has to wait
    SIGN_IN_LOCK_SECONDS = 60              # the first wait; doubles with each further failure
    SIGN_IN_LOCK_MAX_SECONDS = 15 * 60     # never longer than this (a password reset ends it)
    SIGN_IN_FAILURE_DELAY_SECONDS = 0.5    # every failed sign-in answers this much later
    # A session ends this long after signing in, however active (besides the idle time-out).
    SESSION_ABSOLUTE_HOURS = float(_env("SESSION_ABSOLUTE_HOURS", "12"))              # residents
    STAFF_SESSION_ABSOLUTE_HOURS = float(_env("STAFF_SESSION_ABSOLUTE_HOURS", "10"))  # staff
    # Staff second factor (portal/accounts/second_factor.py): TOTP app or SMS code.
    SECOND_FACTOR_STEP_MINUTES = 30        # after the password, this long for the second step
    TOTP_ISSUER = "鄠邑区残疾人服务"          # the name shown in the authenticator app
    RECOVERY_CODE_COUNT = 10               # one-use recovery codes in a set
    # A password-reset request answers no sooner than this, so that the time taken does not
    # tell whether the number has an account (family_lookup.paced).
    RESET_MIN_RESPONSE_SECONDS = 0.25
    # Asking to register answers no sooner than this, so that the time taken does not tell
    # whether the number has an account (a code for a new one, a warning text for its owner).
    REGISTER_MIN_RESPONSE_SECONDS = 0.25
    # Flask-Limiter limits (per IP address unless named "per phone").
    RATE_LIMIT_SIGN_IN = "10 per minute;60 per hour"
    RATE_LIMIT_SEND_CODE = "5 per 10 minutes;30 per day"
    RATE_LIMIT_SEND_CODE_PER_PHONE = "3 per 10 minutes;10 per day"
    RATE_LIMIT_VERIFY_CODE = "20 per 10 minutes"
    RATE_LIMIT_REGISTER = "10 per hour"
    RATE_LIMIT_RESET = "10 per hour"
    HOTLINE = "12385"
    # The staff queue's search text travels sealed in the URL (portal/staff/search_token.py),
    # usable this long: paging, exporting and the back button work through a working day.
    SEARCH_TOKEN_HOURS = 12
    # Status tracking, family look-up, access grants and text messages (portal/status,
    # portal/messages/notifications.py).
    LOOKUP_VIEW_MINUTES = 15               # a family look-up shows the application this long
    LOOKUP_MIN_RESPONSE_SECONDS = 1.0      # each look-up step answers no sooner than this, so
                                           # the time taken does not tell whether details matched
    RATE_LIMIT_LOOKUP = "10 per 10 minutes;40 per day"                 # per IP, step 1
    # Per reference and ID number together, never per reference alone (portal/status/limits.py).
    RATE_LIMIT_LOOKUP_PER_PAIR = "3 per 10 minutes;10 per day"         # step 1
    RATE_LIMIT_LOOKUP_VERIFY = "15 per 10 minutes;60 per day"          # per IP, step 2
    RATE_LIMIT_LOOKUP_VERIFY_PER_PAIR = "8 per 10 minutes;20 per day"  # step 2
    RATE_LIMIT_GRANT = "10 per hour;30 per day"   # per IP: granting family access
    # Per account: proving "this is me" by a code to the person's phone on record.
    RATE_LIMIT_PROVE = "3 per 10 minutes;10 per day"         # codes asked for
    RATE_LIMIT_PROVE_VERIFY = "10 per 10 minutes;30 per day"  # codes tried
    RATE_LIMIT_ACCESSIBILITY_REPORT = "10 per hour"   # per IP: reports of an accessibility problem
    SMS_MAX_ATTEMPTS = 6                   # a text is marked failed after this many tries
    SMS_RETRY_BASE_SECONDS = 60            # wait after the first failure; doubles each time
    SMS_RETRY_MAX_SECONDS = 3600           # never waits longer than this between tries
    # Background and scheduled work (portal/tasks): Celery with Redis as broker. Unset: every
    # task runs in-process when it is queued and nothing runs on a schedule (the portal says so).
    CELERY_BROKER_URL = _env("CELERY_BROKER_URL")
    CELERY_KEY_PREFIX = _env("CELERY_KEY_PREFIX", "huyi-portal/tasks/")   # every Redis key's
    CELERY_QUEUE = _env("CELERY_QUEUE", "huyi-portal")
    # The schedule (portal/tasks/schedule.py), in seconds between runs: the sweep that sends
    # texts whose retry has come, and the removal of one-time codes no longer needed.
    SMS_SWEEP_SECONDS = int(_env("SMS_SWEEP_SECONDS", "60"))
    OUTBOX_PURGE_SECONDS = int(_env("OUTBOX_PURGE_SECONDS", "300"))
    # When the month's draft payment rolls are built (crontab: minute hour day month weekday).
    ROLLS_BUILD_CRONTAB = _env("ROLLS_BUILD_CRONTAB", "0 2 1 * *")
    # When the daily check of recipients' 残疾人证 runs: reminders 60 and 30 days before the
    # last valid day, suspension once it has lapsed (portal.benefits.lifecycle).
    CERTIFICATE_CHECK_CRONTAB = _env("CERTIFICATE_CHECK_CRONTAB", "0 7 * * *")
    # When the registries' nightly discovery sweep runs (portal.registries.discovery); it also
    # runs after each registry import.
    DISCOVERY_SWEEP_CRONTAB = _env("DISCOVERY_SWEEP_CRONTAB", "30 3 * * *")
    # The yearly review of recipients (年审, portal.benefits.reviews; README "Payments"): the
    # daily job that opens the year's reviews, sends their notices and suspends those missed.
    REVIEW_CHECK_CRONTAB = _env("REVIEW_CHECK_CRONTAB", "30 7 * * *")
    # The window opens every year on this month-day ("MM-DD") and lasts this many days; the
    # reminder goes this many days after it opens, the last notice this many days before its
    # last day; a review not done this many days after the window's end suspends payment.
    # Local dates are not known (program-facts.md: recipients reviewed yearly, 动态管理).
    REVIEW_WINDOW_START = _env("REVIEW_WINDOW_START", "03-01")
    REVIEW_WINDOW_DAYS = int(_env("REVIEW_WINDOW_DAYS", "61"))
    REVIEW_REMINDER_AFTER_DAYS = int(_env("REVIEW_REMINDER_AFTER_DAYS", "30"))
    REVIEW_LAST_NOTICE_DAYS = int(_env("REVIEW_LAST_NOTICE_DAYS", "7"))
    REVIEW_GRACE_DAYS = int(_env("REVIEW_GRACE_DAYS", "30"))
    # 好差评 (portal/ratings). The national rules, 国办发〔2019〕51号《国务院办公厅关于建立政务服务
    # "好差评"制度提高政务服务水平的意见》: every named (实名) 差评 is called back and verified by
    # the office that handled the step ("谁办理、谁负责"), fixed at once where clear, put on a
    # ledger with a time limit where not, explained where it has no legal basis, and the result
    # told to the rater (实名差评回访整改率 100%). The national text sets no number of days; the
    # provinces' and cities' schemes that carry it out do – e.g. 德州市政务服务"好差评"工作方案
    # (2020): "第一时间安排专人回访核实", "应于5个工作日内整改反馈". We take those: a call-back
    # within 1 working day, the result told within 5 working days (portal.applications.
    # working_days). Sources: README "Ratings (好差评)".
    RATING_FOLLOW_UP_CALL_BACK_WORKING_DAYS = int(_env("RATING_FOLLOW_UP_CALL_BACK_DAYS", "1"))
    RATING_FOLLOW_UP_WORKING_DAYS = int(_env("RATING_FOLLOW_UP_DAYS", "5"))
    # A service event may be rated this many days after it happened (the text's link too)…
    RATING_OPEN_DAYS = int(_env("RATING_OPEN_DAYS", "30"))
    # … and the rater may change the rating this many days after first giving it.
    RATING_CHANGE_DAYS = int(_env("RATING_CHANGE_DAYS", "7"))
    # The portal's own address for links in text messages (e.g. https://cjr.huyi.gov.cn); unset:
    # the address of the request that queued the text.
    PORTAL_URL = _env("PORTAL_URL")
    RATE_LIMIT_PAGE_VOTE = "20 per hour"          # per IP: "这个页面有用吗？"
    RATE_LIMIT_RATING_LINK = "20 per hour"        # per IP: ratings through a text's link
    RATE_LIMIT_QUESTION = "10 per hour;30 per day"  # per IP: questions asked
    # 在线咨询 (portal/questions): answered within this many working days; a sign-language
    # video attached to a question is checked like every video (portal/content/media).
    QUESTION_ANSWER_WORKING_DAYS = int(_env("QUESTION_ANSWER_DAYS", "3"))
    QUESTION_VIDEO_MAX_BYTES = 20 * 1024 * 1024
    # Retention (portal/retention; the periods themselves: portal/data/retention.yaml): when the
    # daily retention task runs (crontab, district time), and the working days staff have to
    # handle a person's request to correct or delete their data. 个人信息保护法 sets no number
    # of days (第四十六条: 及时更正; 第五十条: a convenient way to ask, reasons for a refusal);
    # 15 working days is the reading of GB/T 35273-2020 §8.7 (a recommended standard) we were
    # given and could not check against its text – see README "Retention".
    RETENTION_CRONTAB = _env("RETENTION_CRONTAB", "15 3 * * *")
    DATA_REQUEST_WORKING_DAYS = int(_env("DATA_REQUEST_WORKING_DAYS", "15"))
    # 统一身份认证 (portal/unified_identity): the OpenID Connect provider's issuer URL (its
    # discovery document is <issuer>/.well-known/openid-configuration) and this portal's client
    # id and secret there. The sign-in page offers it only when all three are set.
    UNIFIED_ID_ISSUER = _env("UNIFIED_ID_ISSUER")
    UNIFIED_ID_CLIENT_ID = _env("UNIFIED_ID_CLIENT_ID")
    UNIFIED_ID_CLIENT_SECRET = _env("UNIFIED_ID_CLIENT_SECRET")
    # A stand-in provider at /dev-identity (portal/dev_identity) for development, tests and the
    # demo. Production refuses to start with it on.
    DEV_IDENTITY_PROVIDER = False
    # Only test servers expose /_test/... (error pages, quick sign-in); see web/testing_routes.py.
    TEST_ROUTES = False


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = _env("SECRET_KEY", keys.DEVELOPMENT_SECRET_KEY)
    # The second key is what development databases were hashed with before the blind index
    # had its own key (SECRET_KEY's default): `flask rotate-keys` re-hashes them.
    ID_HASH_KEYS = _env("ID_HASH_KEYS", None if _env("ID_HASH_KEY") else
                        f"{keys.DEVELOPMENT_ID_HASH_KEY},{keys.DEVELOPMENT_SECRET_KEY}")
    SESSION_COOKIE_SECURE = False
    PREFERENCE_COOKIE_SECURE = False
    DEV_IDENTITY_PROVIDER = True
    # `make run` sets UNIFIED_ID_ISSUER to the stand-in (http://127.0.0.1:5000/dev-identity).
    UNIFIED_ID_CLIENT_ID = _env("UNIFIED_ID_CLIENT_ID", "huyi-portal-dev")
    UNIFIED_ID_CLIENT_SECRET = _env("UNIFIED_ID_CLIENT_SECRET", "dev-only-client-secret")


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = keys.TESTING_SECRET_KEY
    ID_HASH_KEYS = keys.TESTING_ID_HASH_KEY
    SQLALCHEMY_DATABASE_URI = _sqlalchemy_url(_env("TEST_DATABASE_URL", "sqlite://"))
    SESSION_COOKIE_SECURE = False
    CELERY_BROKER_URL = None   # tasks in-process; tests that need a broker set their own
    PREFERENCE_COOKIE_SECURE = False
    RATELIMIT_ENABLED = False
    SIGN_IN_FAILURE_DELAY_SECONDS = 0.0
    LOOKUP_MIN_RESPONSE_SECONDS = 0.0
    RESET_MIN_RESPONSE_SECONDS = 0.0
    REGISTER_MIN_RESPONSE_SECONDS = 0.0
    TEST_ROUTES = True
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # cheap, for test speed only
    DEV_IDENTITY_PROVIDER = True
    UNIFIED_ID_ISSUER = None   # off unless a test turns it on (tests/test_unified_identity.py)
    UNIFIED_ID_CLIENT_ID = "huyi-portal-test"
    UNIFIED_ID_CLIENT_SECRET = "test-client-secret"


class ProductionConfig(Config):
    ENV_NAME = "production"
    LOG_FORMAT = _env("LOG_FORMAT", "json")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def resolve(config) -> tuple[type[Config], dict]:
    """Return (config class, overrides) for what create_app() was given."""
    if config is None:
        return CONFIGS[_env("PORTAL_ENV", "development")], {}
    if isinstance(config, str):
        return CONFIGS[config], {}
    if isinstance(config, dict):
        base = CONFIGS[config.get("ENV_NAME", _env("PORTAL_ENV", "development"))]
        return base, config
    return config, {}

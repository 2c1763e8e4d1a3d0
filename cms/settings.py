"""Settings for 物业档案与案件库, read from the environment.

Development needs nothing set: SQLite in var/, a local Elasticsearch node
(scripts/elasticsearch.sh). Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL and ELASTICSEARCH_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_flag(name, default):
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG", "1")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production (DEBUG=0) export SECRET_KEY with a long random "
            "value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# The product's own apps, in dependency order. Role permissions (roles.py) and
# demo data (demo.py) are collected from them in this order.
LOCAL_APPS = ["core", "cms", "cms.archives", "cms.replies", "cases", "search", "doc_templates", "quality"]

INSTALLED_APPS = [
    *LOCAL_APPS,
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    # Wagtail's admin names the documents and images API endpoints on every page.
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "simple_history",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

# SQLite needs no set-up; DATABASE_URL (postgres://…) switches to PostgreSQL via psycopg 3.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write transactions take the lock when they begin, so concurrent intakes
    # queue up instead of failing; tests use a file per process for the same reason.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for the admin strings Wagtail's own zh-hans catalogue lacks; read before the packages'.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(VAR_DIR / "media"))
# Confidential files (archive papers, issued notices) live outside MEDIA_ROOT and
# are served only through permission-checked views.
PRIVATE_MEDIA_ROOT = os.environ.get("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "wagtailadmin_login"

WAGTAIL_SITE_NAME = "物业档案与案件库"
WAGTAILADMIN_USER_LOGIN_FORM = "cms.forms.ChineseLoginForm"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
# Wagtail's own Elasticsearch backends need the analysis-common module, which the
# bare server lacks; Wagtail's built-in search stays on the database and the
# product's Chinese search goes through search/.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "http://127.0.0.1:9200")
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "wuye")
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "10"))
ELASTICSEARCH_REPLICAS = int(os.environ.get("ELASTICSEARCH_REPLICAS", "0"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "物业档案与案件库 <noreply@localhost>")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", "1")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Wagtail's live preview shows the page in a same-origin iframe, so DENY would break it.
    X_FRAME_OPTIONS = "SAMEORIGIN"
    SILENCED_SYSTEM_CHECKS = ["security.W019"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "elastic_transport": {"handlers": ["console"], "level": "ERROR"},
        "jieba": {"level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- cases ---
# Working hours of the service centre for deadline clocks (cases/calendar.py).
CASES_WORKING_HOURS = (
    os.environ.get("CASES_WORKDAY_START", "08:30"),
    os.environ.get("CASES_WORKDAY_END", "17:30"),
)

# --- owner archives ---
# SQLite rebuilds a table to alter it and drops its triggers with the old table; this
# backend creates the archive triggers again in the same step (cms/archives/db/).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "cms.archives.db.sqlite3"

# --- notices ---
# Names printed on notices; the three tri-party signatories stand side by side.
DOC_TEMPLATES_CENTRE_NAME = os.environ.get("NOTICE_CENTRE_NAME", "物业服务中心")
# The company above the centre in the issuer block (where the seal goes).
DOC_TEMPLATES_COMPANY_NAME = os.environ.get("NOTICE_COMPANY_NAME", "物业服务有限公司")
# 文号 of issued notices: {year}, {series} (整改, 三方提示 …) and {serial}; the default
# reads 〔2026〕整改第3号, the way official documents number themselves.
NOTICE_NUMBER_FORMAT = os.environ.get("NOTICE_NUMBER_FORMAT", "〔{year}〕{series}第{serial}号")
DOC_TEMPLATES_SIGNATORIES = {
    "居委会": os.environ.get("NOTICE_RESIDENTS_COMMITTEE", "社区居民委员会"),
    "业委会": os.environ.get("NOTICE_OWNERS_COMMITTEE", "业主委员会"),
}
# Template upload limits: file size, size once unzipped, and unzip ratio (zip bombs).
DOC_TEMPLATES_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DOC_TEMPLATES_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
DOC_TEMPLATES_MAX_COMPRESSION_RATIO = 100

# --- notices: signed PDF copies ---
# On issuing, LibreOffice headless converts the .docx to PDF and pyhanko signs it (PAdES)
# with the PKCS#12 certificate below; `manage.py make_signing_certificate` makes a
# self-signed one for development. Without LibreOffice or a certificate, notices are
# still issued and the PDF is marked as not produced.
NOTICE_PDF_ENABLED = env_flag("NOTICE_PDF_ENABLED", "true")
NOTICE_SOFFICE = os.environ.get("NOTICE_SOFFICE", "soffice")
NOTICE_PDF_TIMEOUT = int(os.environ.get("NOTICE_PDF_TIMEOUT", "120"))
# One LibreOffice kept running per site behind unoserver (doc_templates/pdf.py).
NOTICE_PDF_KEEP_RUNNING = env_flag("NOTICE_PDF_KEEP_RUNNING", "true")
NOTICE_UNOSERVER_PORT = int(os.environ.get("NOTICE_UNOSERVER_PORT", "2003"))
NOTICE_UNO_PORT = int(os.environ.get("NOTICE_UNO_PORT", "2002"))
NOTICE_UNO_PYTHON = os.environ.get("NOTICE_UNO_PYTHON", "/usr/bin/python3")
NOTICE_SIGNING_P12 = os.environ.get("NOTICE_SIGNING_P12", str(VAR_DIR / "signing" / "notices.p12"))
NOTICE_SIGNING_PASSPHRASE = os.environ.get("NOTICE_SIGNING_PASSPHRASE", "")

# --- API, owners' case pages, background work and the server ---
LOCAL_APPS += ["jobs", "api", "portal"]
INSTALLED_APPS = [
    "jobs",
    "api",
    "portal",
    *INSTALLED_APPS,
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "ninja",
]
# Static files straight from the WSGI server (gunicorn), compressed and cached; in
# development straight from the apps, without collectstatic.
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
if not DEBUG:
    STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"

# Background work (django-tasks). The database backend needs nothing more and runs
# with `manage.py run_worker`; TASKS_BACKEND=rq puts the same tasks on Redis (RQ) for
# groups with many estates and several workers.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# RQ knows no task priority: urgent work (a notice's PDF) has a queue of its own, which
# the worker empties first.
RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 3600} for name in ("urgent", "default")
}
TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.backend.RQBackend", "QUEUES": list(RQ_QUEUES)},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} is unknown; use one of {', '.join(TASK_BACKENDS)}."
    )
TASKS = {"default": TASK_BACKENDS[TASKS_BACKEND]}
# A running job that shows no progress for this long (seconds) on another host is
# taken to be orphaned by a dead worker and resumed.
JOBS_STALE_AFTER = int(os.environ.get("JOBS_STALE_AFTER", "900"))

# API tokens: requests per minute per token before 429.
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "600"))
# Owners' personal case links stay valid this many days.
PORTAL_LINK_DAYS = int(os.environ.get("PORTAL_LINK_DAYS", "60"))
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", WAGTAILADMIN_BASE_URL)

# --- error handling ---
# Junk ids, oversize posts and Wagtail views given impossible values end on a Chinese
# 404/400/413 page (cms/guards.py, cms/errors.py). It runs before CSRF, which reads the form.
MIDDLEWARE.insert(1, "cms.guards.JunkRequestGuardMiddleware")
CSRF_FAILURE_VIEW = "cms.errors.csrf_failure"
# Form fields of one post (files not counted); a whole request, files included.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(5 * 1024 * 1024)))
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(50 * 1024 * 1024)))
WAGTAILADMIN_RICH_TEXT_EDITORS = {"default": {"WIDGET": "cms.guards.SafeDraftailRichTextArea"}}

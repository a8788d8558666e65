"""Jembatan settings: one module, configured by environment variables (see .env.example)."""

from __future__ import annotations

from pathlib import Path

from django.utils.http import is_same_domain
from django.utils.translation import gettext_lazy as _

from jembatan.core.objectstorage import s3_storages
from jembatan.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_host_map,
    env_int,
    env_list,
    env_str,
    env_timezone,
    parse_database_url,
    parse_redis_url,
    refuse_placeholders,
    url_password,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("JEMBATAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError(
            "SECRET_KEY is required when DEBUG is off; set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ConfigError("SECRET_KEY must be at least 50 characters long when DEBUG is off.")
# Rotating SECRET_KEY (docs/deploy.md): the old keys, comma-separated, still verify what they
# signed (sessions, password-reset links, signed cookies) while the new key signs everything
# new. Remove an old key once its signatures have expired (12 hours for sessions).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
if not DEBUG and any(len(key) < 50 for key in SECRET_KEY_FALLBACKS):
    raise ConfigError("Each key in SECRET_KEY_FALLBACKS must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", ".localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS is required when DEBUG is off (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    "jembatan.core",
    "jembatan.regions",
    "jembatan.tenants",
    "jembatan.accounts",
    "jembatan.communities",
    "jembatan.sites",
    "jembatan.dissemination",
    "jembatan.aspirations",
    "jembatan.disclosure",
    "jembatan.literacy",
    "jembatan.dialogue",
    "jembatan.clarifications",
    "jembatan.dashboard",
    "rest_framework",
    "corsheaders",
    "drf_spectacular",
    "jembatan.api",
    "jembatan.workspace",
    "jembatan.demo",
]

MIDDLEWARE = [
    # The request id (logs, the response header, queued tasks) and the request's metrics:
    # first, so that they see everything below (docs/operations.md).
    "jembatan.core.requestid.RequestIdMiddleware",
    "jembatan.core.metrics.MetricsMiddleware",
    # /healthz, /readyz and /metrics by an app server's private address (any Host), before
    # anything asks the request for its host (docs/deploy.md).
    "jembatan.core.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The database unreachable: a 503 page with Retry-After instead of a 500.
    "jembatan.core.middleware.DatabaseUnavailableMiddleware",
    # One budget of decoded image bytes per request (jembatan.core.images).
    "jembatan.core.images.DecodedImageBudgetMiddleware",
    # Anonymous reads of the open data, feeds, the public API and Open311 by other
    # agencies' browser apps (CORS_* below); before anything that may answer early.
    "corsheaders.middleware.CorsMiddleware",
    # Village connections are slow: compress HTML (Django pads it against BREACH).
    "django.middleware.gzip.GZipMiddleware",
    # A repeated anonymous GET of a cached page, answered before sessions, the tenant and
    # authentication run (the same rules as the view's page cache: jembatan.core.pagecache).
    "jembatan.core.pagecache.PageCacheFastPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jembatan.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware, which has already checked the host against ALLOWED_HOSTS.
    "jembatan.sites.hosts.KimHostMiddleware",
    # The request served, for absolute URLs written without one (jembatan.core.links).
    "jembatan.core.links.CurrentRequestMiddleware",
    # The kabupaten/kota the host serves (request.tenant) and its time zone; a host that
    # serves none gets the list of tenants (jembatan.tenants.middleware).
    "jembatan.tenants.middleware.TenantMiddleware",
    # A form body in another charset than UTF-8, NUL in the query: a clear 400 before
    # CSRF or a view reads them.
    "jembatan.core.middleware.BadInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's, reading the session's device with a query compiled once.
    "jembatan.accounts.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out sessions left idle, then keeps unverified sessions on the second step.
    "jembatan.accounts.middleware.SessionIdleTimeoutMiddleware",
    "jembatan.accounts.middleware.TwoFactorMiddleware",
    # Staff who chose one kabupaten/kota in the workspace see and act in that one only.
    "jembatan.accounts.middleware.WorkspaceScopeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jembatan.core.middleware.SecurityHeadersMiddleware",
    # Last, so that it sees the outcome of authentication for lockouts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jembatan.urls"
WSGI_APPLICATION = "jembatan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jembatan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jembatan.core.context_processors.site",
                "jembatan.tenants.context_processors.tenant",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jembatan.sqlite3'}")
DATABASES = {"default": parse_database_url(DATABASE_URL)}
if (
    DATABASES["default"]["ENGINE"].endswith("sqlite3")
    and DATABASES["default"]["NAME"] != ":memory:"
):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env_bool("POSTGRES_JIT", False):
    # PostgreSQL compiles a query "costly" enough to JIT code first: 70-100 ms for the
    # workspace's case counts over a big kabupaten, which then run in 20-40 ms. A page's
    # queries are short: never worth it. (POSTGRES_JIT=1 keeps the server's setting, e.g.
    # behind a pooler that refuses startup options.)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "").strip()
REDIS_TIMEOUT_SECONDS = env_int("REDIS_TIMEOUT_MS", 250, minimum=10, maximum=10000) / 1000
# The page-cache version lives in the cache; without Redis in a file as well (below).
PAGE_CACHE_VERSION_FILE: Path | None = None
if REDIS_URL:
    CACHES = {
        "default": {
            # Acts as a miss while Redis is unreachable (jembatan.core.cache).
            "BACKEND": "jembatan.core.cache.ResilientRedisCache",
            "LOCATION": parse_redis_url(REDIS_URL),
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "jembatan"),
            "TIMEOUT": 300,
            # A dead or stalled Redis must cost a request milliseconds, not seconds.
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    # A SQLite file in var/, shared by every worker on the machine: rate limits, two-step
    # code counters and API throttles hold across workers (jembatan.core.sqlitecache).
    CACHES = {
        "default": {
            "BACKEND": "jembatan.core.sqlitecache.SqliteCache",
            "LOCATION": str(VAR_DIR / "cache.sqlite3"),
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 50000},
        }
    }
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The page-cache version is read from a file as well (jembatan.core.pagecache).
    PAGE_CACHE_VERSION_FILE = VAR_DIR / "pagecache.version"

# --- Background tasks (Huey) ----------------------------------------------
# Tasks run in a separate consumer (`manage.py run_huey`; `make run` starts one). Its queue
# is Redis when REDIS_URL is set, otherwise its own SQLite file, apart from the main database
# so that queue writes never wait for (or block) the site's writes. HUEY_IMMEDIATE=1 runs
# tasks in-process, synchronously, with no consumer (the test suite does that).
HUEY = {
    "name": "jembatan",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    # For `run_huey`; an idle SQLite queue is polled at least every 2 seconds.
    "consumer": {"workers": 2, "worker_type": "thread", "max_delay": 2},
}
if REDIS_URL:
    HUEY |= {
        "huey_class": "huey.RedisHuey",
        # Enqueueing after a commit must not hang a request on a dead Redis (the work is
        # recorded in the database: jembatan.core.tasks); the consumer's blocking reads
        # wait up to 1 s, so its socket timeout stays above that.
        "connection": {
            "url": parse_redis_url(REDIS_URL)
            + ("&" if "?" in REDIS_URL else "?")
            + f"socket_connect_timeout={REDIS_TIMEOUT_SECONDS}&socket_timeout=5"
        },
    }
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "tasks.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
# Background work is recorded in the database (core.TaskRecord); a run started or queued
# this long ago without finishing is run again (its worker died). See jembatan.core.tasks.
TASK_STALE_MINUTES = env_int("TASK_STALE_MINUTES", 10, minimum=1, maximum=1440)

# --- Authentication -------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "jembatan.accounts.backends.EmailOrPhoneBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "sites:hub"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# How many reverse proxies (nginx) stand in front of the app servers: the visitor's address
# is read that many hops from the right of X-Forwarded-For (jembatan.core.ratelimit
# .client_address), by the rate limits, the login lockout and the API throttles alike.
PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0, maximum=5)

# Brute-force protection (django-axes, with the rules of jembatan.accounts.lockout):
# failures count per account (however its login is typed) and per address; the lock
# lifts by itself after the cool-off, or for an account when its password is reset.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
# Failures from one address on any accounts (carrier NAT puts many phones behind one).
LOGIN_ADDRESS_FAILURE_LIMIT = env_int(
    "LOGIN_ADDRESS_FAILURE_LIMIT", 4 * AXES_FAILURE_LIMIT, minimum=AXES_FAILURE_LIMIT, maximum=1000
)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=1440) / 60
AXES_HANDLER = "jembatan.accounts.lockout.LoginLockoutHandler"
AXES_USERNAME_CALLABLE = "jembatan.accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "jembatan.core.ratelimit.client_address"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "jembatan.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# A session lasts at most 12 hours from sign-in (the cookie is not renewed on each
# request) and ends sooner after SESSION_IDLE_MINUTES without a request
# (jembatan.accounts.middleware.SessionIdleTimeoutMiddleware).
SESSION_COOKIE_AGE = 60 * 60 * 12
# Django's database sessions, written in one statement (jembatan.core.sessions).
SESSION_ENGINE = "jembatan.core.sessions"
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 120, minimum=5, maximum=720) * 60

# Two-factor sign-in (django-otp; jembatan.accounts.two_factor): required for operators,
# kabupaten admins and anyone with admin-site access; others may opt in. Demo accounts
# are exempt while DEBUG is on (they cannot sign in at all when it is off).
TWO_FACTOR_REQUIRED = True
OTP_TOTP_ISSUER = env_str("SITE_NAME", "Jembatan")
# Wrong codes are counted and locked by jembatan.accounts.two_factor instead of
# django-otp's per-device back-off, which would also refuse the next right code.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
TWO_FACTOR_FAILURE_LIMIT = env_int("TWO_FACTOR_FAILURE_LIMIT", 5, minimum=1, maximum=100)
TWO_FACTOR_LOCK_SECONDS = env_int("TWO_FACTOR_LOCK_MINUTES", 15, minimum=1, maximum=1440) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "jembatan" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_timezone("TIME_ZONE", "Asia/Jakarta")

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded photos (jembatan.core.images): largest file accepted, and largest image in
# pixels (checked from the header before decoding; refuses decompression bombs).
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_MB", 10, minimum=1, maximum=100) * 1024 * 1024
MAX_ATTACHMENT_BYTES = env_int("MAX_ATTACHMENT_MB", 20, minimum=1, maximum=200) * 1024 * 1024
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_MEGAPIXELS", 40, minimum=1, maximum=150) * 1_000_000
# Memory an image may take once decoded (pixels x bands x bit depth), checked from its
# header before decoding: per file, and for all the images of one request together.
MAX_DECODED_IMAGE_BYTES = env_int("MAX_DECODED_IMAGE_MB", 64, minimum=8, maximum=1024) * 1024 * 1024
MAX_DECODED_REQUEST_BYTES = (
    env_int("MAX_DECODED_REQUEST_MB", 192, minimum=8, maximum=4096) * 1024 * 1024
)
# Short training videos (jembatan.literacy), uploaded and served by the product itself.
LITERACY_MAX_VIDEO_BYTES = env_int("MAX_VIDEO_MB", 60, minimum=1, maximum=500) * 1024 * 1024
# PPID documents and answers (jembatan.disclosure) live outside MEDIA_ROOT and are served
# only through views that check who may read them (exempt entries: nobody).
PPID_PRIVATE_ROOT = Path(env_str("PPID_PRIVATE_ROOT", "") or VAR_DIR / "private")
# Collected static files with hashed names (kept by browsers for a year) and gzip/brotli
# copies that WhiteNoise serves to browsers that accept them. On unless DEBUG; `make run`
# turns it on under DEBUG too (STATIC_COMPRESSED=1): it runs collectstatic first.
STATIC_COMPRESSED = env_bool("STATIC_COMPRESSED", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "jembatan.core.staticstorage.HashedStaticFilesStorage"
            if STATIC_COMPRESSED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if STATIC_COMPRESSED:
    # The collected files as they are: no look-up in the apps' folders on each request
    # (WhiteNoise's default under DEBUG), which would serve the uncompressed originals.
    WHITENOISE_AUTOREFRESH = False
    WHITENOISE_USE_FINDERS = False
# The scripts' translations as static files (manage.py build_js_catalog, jembatan.core.
# jscatalog), collected with the others when the folder exists.
JS_CATALOG_ROOT = Path(env_str("JS_CATALOG_ROOT", str(VAR_DIR / "jscatalog")))
STATICFILES_DIRS = [JS_CATALOG_ROOT] if JS_CATALOG_ROOT.is_dir() else []

# Uploads on S3-compatible object storage when S3_BUCKET is set (docs/storage.md): public
# media in S3_BUCKET, private files in S3_PRIVATE_BUCKET (else under private/ in the same
# bucket), streamed only by the views that check who asks. Unset: the local directories.
S3_BUCKET = env_str("S3_BUCKET", "")
S3_PRIVATE_BUCKET = env_str("S3_PRIVATE_BUCKET", "")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL", "")
S3_REGION = env_str("S3_REGION", "")
S3_CUSTOM_DOMAIN = env_str("S3_CUSTOM_DOMAIN", "")
S3_PUBLIC_ACL = env_str("S3_PUBLIC_ACL", "public-read")
S3_PRIVATE_URL_SECONDS = env_int("S3_PRIVATE_URL_SECONDS", 60, minimum=5, maximum=3600)
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID", "")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY", "")
if S3_BUCKET:
    STORAGES.update(
        s3_storages(
            bucket=S3_BUCKET,
            private_bucket=S3_PRIVATE_BUCKET,
            endpoint_url=S3_ENDPOINT_URL,
            access_key=S3_ACCESS_KEY_ID,
            secret_key=S3_SECRET_ACCESS_KEY,
            region=S3_REGION,
            custom_domain=S3_CUSTOM_DOMAIN,
            public_acl=S3_PUBLIC_ACL,
            private_url_seconds=S3_PRIVATE_URL_SECONDS,
        )
    )
elif S3_PRIVATE_BUCKET:
    raise ConfigError("S3_PRIVATE_BUCKET is set without S3_BUCKET.")

# --- Email ----------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Jembatan <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
# Until the browser closes, not a year: nothing needs it longer (a form whose cookie is gone
# is shown once more with a new token, core.views.csrf_failure), and a year-long random id
# on every visitor who once saw a form is a tracking handle the site does not need.
CSRF_COOKIE_AGE = None
# A form from a page of the shared cache, sent without script, carries no token: it is
# shown again with one (jembatan.core.pagecache).
CSRF_FAILURE_VIEW = "jembatan.core.views.csrf_failure"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is an opt-in for the whole registrable domain, which the operator of
        # a regency subdomain rarely controls; off by default, so its warning is expected.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# The health check is polled over plain HTTP by load balancers.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# --- JSON API (jembatan.api, /api/v1/) ---------------------------------------
# Bearer tokens only: no session authentication, so the API has no CSRF surface. JSON in
# and out (no browsable HTML API); one error format (jembatan.api.errors).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["jembatan.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["jembatan.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "jembatan.api.pagination.ApiPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": [
        "jembatan.api.throttling.AnonThrottle",
        "jembatan.api.throttling.UserThrottle",
        "jembatan.api.throttling.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "60/minute"),
        "user": env_str("API_USER_RATE", "300/minute"),
        "write": env_str("API_WRITE_RATE", "30/minute"),
    },
    "EXCEPTION_HANDLER": "jembatan.api.errors.api_exception_handler",
    # Anonymous limits count per address: trust X-Forwarded-For only behind our proxies.
    "NUM_PROXIES": PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jembatan API",
    "DESCRIPTION": "Konten publik KIM dan pemerintah kabupaten; menulis dengan token Bearer.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["jembatan.api.schema.only_v1"],
    # Its module registers the bearer-token scheme (jembatan.api.schema).
    "DEFAULT_GENERATOR_CLASS": "jembatan.api.schema.SchemaGenerator",
}

# --- Jembatan -------------------------------------------------------------
# Each kabupaten/kota served is a tenant (jembatan.tenants), found from the request's
# host. The old single-kabupaten setting is read once, by the migration that turns an
# existing install into its first tenant (tenants 0002); nothing else reads it.
LEGACY_HUB_REGION_CODE = env_str("HUB_REGION_CODE", "")
# A host that serves no tenant: "list" shows the tenants' addresses, "404" a bare 404.
TENANT_UNKNOWN_HOST = env_choice("TENANT_UNKNOWN_HOST", "list", ("list", "404"))
# Paths served on any host, tenant or not: health checks, files, the operator's admin.
TENANT_EXEMPT_PATHS = (
    "/healthz",
    "/readyz",
    "/metrics",
    "/static/",
    "/media/",
    "/admin/",
    "/jsi18n/",
    "/sw.js",
    "/manifest.webmanifest",
)
SITE_NAME = env_str("SITE_NAME", "Jembatan")
# The picture a shared link shows when its page has no photo and its KIM no logo: a
# 1200x630 static file, so that each kabupaten can ship its own (Open Graph, JSON-LD).
SHARE_IMAGE = env_str("SHARE_IMAGE", "img/share.png")

# CORS: other agencies' browser apps may read what is public anyway — the JSON API's
# public reads, Open311, the feeds and calendars, the open data and its catalogue — with
# `Access-Control-Allow-Origin: *`, which browsers never combine with cookies. Preflights
# allow reads only and no Authorization header, so a browser never sends a bearer token
# across origins; the workspace, sign-in and every staff path stay outside the regex.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = (
    r"^/(api/v1/|open311/v2/|data/|feed/$|agenda\.ics$|literasi/kalender\.ics$"
    r"|kim/[^/]+/(feed/|agenda\.ics)$)"
)
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "content-language"]
CORS_PREFLIGHT_MAX_AGE = 86400
# The hub's canonical public address, for links written by work that no request started
# (periodic tasks, commands); within a request, and in tasks a request queued, links use
# that request's host (jembatan.core.links).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# KIMs that have not re-published or shared an item are reminded after this many days.
INFO_REMINDER_DAYS = env_int("INFO_REMINDER_DAYS", 3, minimum=1, maximum=60)
# More unmailed notifications of one kind than this for one person in one run (a batch,
# such as the daily deadline check) go out as one digest mail (jembatan.accounts.notifications).
NOTIFICATION_DIGEST_AFTER = env_int("NOTIFICATION_DIGEST_AFTER", 5, minimum=1, maximum=1000)
# Shared secret of the SMS/WhatsApp gateway: read once, by migration tenants 0002, into the
# first tenant; the webhook checks the secret of the tenant of the host called (Tenant).
ASPIRATION_WEBHOOK_SECRET = env_str("ASPIRATION_WEBHOOK_SECRET", "")
# Outbound texts (jembatan.core.gateway: aspirations, dialogue codes); empty URL: no texts.
# The default for a tenant whose own gateway (Tenant.sms_gateway_url) is blank.
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_SECRET = env_str("SMS_GATEWAY_SECRET", "")
if SMS_GATEWAY_URL and not SMS_GATEWAY_SECRET:
    raise ConfigError("SMS_GATEWAY_SECRET is required when SMS_GATEWAY_URL is set.")
# The ministry's free KIM websites: a KIM's kim.id site and its feed must be on this domain
# (or a subdomain); the feed import fetches nothing elsewhere.
KIMID_DOMAIN = env_str("KIMID_DOMAIN", "kim.id")
# Fetching a kim.id feed: seconds before giving up, and the most bytes read.
KIMID_FEED_TIMEOUT = env_int("KIMID_FEED_TIMEOUT_SECONDS", 10, minimum=1, maximum=120)
KIMID_FEED_MAX_BYTES = env_int("KIMID_FEED_MAX_KB", 2048, minimum=16, maximum=65536) * 1024
# The ports a kim.id address may name (a feed on any other port is refused, at the form and
# at the fetch), and whether a kim.id name may lead to a loopback, private, link-local or
# other non-public address: never in production (the fetch would reach the server's own
# network); the tests' local feed server turns it on for themselves.
KIMID_FEED_PORTS = [
    int(port) for port in env_list("KIMID_FEED_PORTS", ["80", "443"]) if port.isdigit()
]
KIMID_ALLOW_PRIVATE_ADDRESSES = False
# Entries taken from one feed in one run (the newest first).
KIMID_FEED_MAX_ENTRIES = env_int("KIMID_FEED_MAX_ENTRIES", 50, minimum=1, maximum=500)
# Staff see a KIM's SK as "expiring" this many days before its term of office ends.
KIM_TERM_WARNING_DAYS = env_int("KIM_TERM_WARNING_DAYS", 90, minimum=1, maximum=730)
# Reporters' names and contacts are erased this many days after a case is resolved/closed.
ASPIRATION_CONTACT_RETENTION_DAYS = env_int(
    "ASPIRATION_CONTACT_RETENTION_DAYS", 365, minimum=30, maximum=3650
)
# PPID requesters' identity (name, NIK, address, contact, KTP scan, objection text) is
# erased this many days after the request's last step (its answer or the decision on its
# objection). Two years by default: the objection (UU 14/2008 Pasal 35-36), the dispute
# at the Komisi Informasi (Pasal 37-38: 14 + 100 working days) and the appeal to the
# courts (Pasal 47-50) all fall inside it, and so does the year's PPID report; after
# that the identity serves no purpose (UU 27/2022 Pasal 43-44).
PPID_REQUESTER_RETENTION_DAYS = env_int(
    "PPID_REQUESTER_RETENTION_DAYS", 730, minimum=90, maximum=3650
)
# Whoever reported a rumour (clarifications): their e-mail, phone and screenshot are erased
# this many days after the report was sent, whatever became of it (the contact goes earlier:
# once the answer went out, or when the report is declined). It is kept only to send the
# answer, and a rumour is answered within days (UU 27/2022 Pasal 43-44).
CLARIFICATION_CONTACT_RETENTION_DAYS = env_int(
    "CLARIFICATION_CONTACT_RETENTION_DAYS", 90, minimum=7, maximum=3650
)
# Participants of the public dialogue without an account: the name they typed and the
# hash of their verified contact are taken off their comments this many days after the
# consultation closed (discussion replies: after they were written). The text stays.
DIALOGUE_PARTICIPANT_RETENTION_DAYS = env_int(
    "DIALOGUE_PARTICIPANT_RETENTION_DAYS", 365, minimum=30, maximum=3650
)
# Readers' comments on KIM sites: the name they typed leaves the comment this many days
# after it was sent (the comment stays, "[dihapus]" as its author).
SITE_COMMENT_NAME_RETENTION_DAYS = env_int(
    "SITE_COMMENT_NAME_RETENTION_DAYS", 365, minimum=30, maximum=3650
)
# Sign-in records (django-axes: the address, browser and time of every sign-in and of
# failed attempts) are deleted this many days after they were written: they serve to
# trace an attack or a stolen account, and are then personal data with no purpose
# (UU 27/2022 Pasal 43-44).
LOGIN_LOG_RETENTION_DAYS = env_int("LOGIN_LOG_RETENTION_DAYS", 90, minimum=7, maximum=3650)
# Corrections of contact details a data subject may send from one address in 10 minutes.
PERSONAL_DATA_CORRECT_LIMIT = env_int("PERSONAL_DATA_CORRECT_LIMIT", 5, minimum=1, maximum=1000)
# Aspirations the public form accepts from one address in 10 minutes, and from one phone
# number or email in an hour; only stored ones count (README, "Rate limits"). The address
# limit is high because a whole posko or a carrier's NAT can share one address.
ASPIRATION_SUBMIT_LIMIT = env_int("ASPIRATION_SUBMIT_LIMIT", 20, minimum=1, maximum=100000)
# Rumour reports (klarifikasi isu) the public form stores per address in 10 minutes (a
# form with errors is not counted; every POST counts toward a flood guard five times higher).
CLARIFICATION_SUBMIT_LIMIT = env_int("CLARIFICATION_SUBMIT_LIMIT", 10, minimum=1, maximum=100000)
# A rumour is pointed to an answered one when at least this many words, and this share (in
# percent) of the shorter text's words, are the same (jembatan.clarifications.similarity).
CLARIFICATION_SIMILAR_MIN_WORDS = env_int(
    "CLARIFICATION_SIMILAR_MIN_WORDS", 3, minimum=1, maximum=50
)
CLARIFICATION_SIMILAR_PERCENT = env_int("CLARIFICATION_SIMILAR_PERCENT", 50, minimum=1, maximum=100)
# PPID information requests stored per address in 10 minutes (a form with errors is not
# counted; every POST counts toward a flood guard five times higher).
PPID_REQUEST_LIMIT = env_int("PPID_REQUEST_LIMIT", 20, minimum=1, maximum=100000)
# Public annual-report PDFs rendered per address in 10 minutes (a cached copy is not
# counted): each render costs seconds of a worker.
PPID_REPORT_PDF_LIMIT = env_int("PPID_REPORT_PDF_LIMIT", 10, minimum=1, maximum=100000)
# Monev report PDFs rendered per account in 10 minutes (jembatan.dashboard.views).
MONEV_PDF_LIMIT = env_int("MONEV_PDF_LIMIT", 20, minimum=1, maximum=100000)
ASPIRATION_SUBMIT_CONTACT_LIMIT = env_int(
    "ASPIRATION_SUBMIT_CONTACT_LIMIT", 3, minimum=1, maximum=100000
)
# Anonymous pages are served from the cache for this long (0 turns the page cache off);
# any change to public content invalidates them at once.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60, minimum=0, maximum=3600)
# Behind nginx (deploy/nginx.conf.template), the same anonymous pages are also kept by
# nginx for this long, never longer than the tenant's page cache lifetime (README:
# Production, the shared page cache). 0: off.
SHARED_CACHE_SECONDS = env_int("SHARED_CACHE_SECONDS", 2, minimum=0, maximum=60)
# After that, while one request renders the page again, nginx may still give the old copy
# to the others for at most this long. nginx counts whole seconds from the second the copy
# was stored, so a change is seen after at most the sum of the two, plus 1 s, plus a
# render that read the database just before the change: 2 + 1 + 1 s and the render, within
# the 5 s the README promises.
SHARED_CACHE_STALE_SECONDS = env_int("SHARED_CACHE_STALE_SECONDS", 1, minimum=0, maximum=60)
# The dashboards' figures of a region are kept in the cache for at most this long (0: off);
# a refresh of the rollups (dashboard.rollup.refresh) replaces them at once.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60, minimum=0, maximum=3600)
# A KIM's own host name: "host=kim-slug" pairs; that host serves the KIM's site at its root
# (jembatan.sites.hosts). Each host must also be accepted by ALLOWED_HOSTS.
KIM_HOSTS = env_host_map("KIM_HOSTS")
_refused_kim_hosts = [
    host
    for host in KIM_HOSTS
    if not any(p == "*" or is_same_domain(host, p) for p in ALLOWED_HOSTS)
]
if _refused_kim_hosts:
    raise ConfigError(
        "KIM_HOSTS names hosts that ALLOWED_HOSTS does not accept: "
        f"{', '.join(_refused_kim_hosts)}; add them to ALLOWED_HOSTS."
    )

# --- Operations: logs, metrics, readiness, errors (docs/operations.md) ----------
# One JSON object per line with the request id (jembatan.core.jsonlog); "plain": text lines.
LOG_FORMAT = env_choice("LOG_FORMAT", "json", ("json", "plain"))
# Bearer token of /metrics and /readyz; empty: both answer 404 to everyone.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# The consumer stores a heartbeat this often (Huey checks periodic tasks once a minute, so
# the consumer rounds it up to whole minutes); /readyz reports the consumer down when the
# last one is older than two intervals.
CONSUMER_HEARTBEAT_SECONDS = env_int("CONSUMER_HEARTBEAT_SECONDS", 60, minimum=1, maximum=3600)
# A secret left at deploy/jembatan.env.example's placeholder ("change-me...") is publicly
# known: refused in production, naming the variable, never its value.
if not DEBUG:
    refuse_placeholders(
        {
            "SECRET_KEY": SECRET_KEY,
            "SECRET_KEY_FALLBACKS": SECRET_KEY_FALLBACKS,
            "METRICS_TOKEN": METRICS_TOKEN,
            "DATABASE_URL (its password)": url_password(DATABASE_URL),
            "REDIS_URL (its password)": url_password(REDIS_URL),
            "S3_ACCESS_KEY_ID": S3_ACCESS_KEY_ID,
            "S3_SECRET_ACCESS_KEY": S3_SECRET_ACCESS_KEY,
            "EMAIL_HOST_PASSWORD": EMAIL_HOST_PASSWORD,
            "SMS_GATEWAY_SECRET": SMS_GATEWAY_SECRET,
        }
    )
# Errors reported to a Sentry-compatible server, personal data scrubbed (jembatan.core.sentry).
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from jembatan.core.sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", ""),
        release=env_str("SENTRY_RELEASE", ""),
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "jembatan.core.jsonlog.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "jembatan.core.jsonlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # axes logs usernames and addresses of failed logins: personal data.
        "axes": {"level": "WARNING"},
        # fontTools reports every table it subsets while a PDF is made.
        "fontTools": {"level": "WARNING"},
        # A handler here stops `run_huey` from adding its own, which would log everything twice.
        "huey": {"handlers": ["console"], "propagate": False},
    },
}

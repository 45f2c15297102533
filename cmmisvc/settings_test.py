"""Test settings: the production module with a fixed key, plain HTTP and a fast hasher."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")

from cmmisvc.settings import *  # noqa: E402,F403
from cmmisvc.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded evidence goes to a throwaway folder, never the working tree.
if STORAGES["evidence"]["BACKEND"].endswith("FileSystemStorage"):
    STORAGES["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="cmmisvc-evidence-")},
    }
# Tests run on local memory whatever REDIS_URL says: every test clears the cache, which must never
# flush a shared Redis. The servers that tests/test_two_servers.py starts keep the REDIS_URL the
# test gives them (a database number of their own).
if os.environ.get("CMMISVC_TEST_SERVER") != "1":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cmmisvc-tests",
        }
    }

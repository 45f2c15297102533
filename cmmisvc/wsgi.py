"""
WSGI config for cmmisvc project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmmisvc.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, the URL resolver) lives as long as the process: out
# of the collector's generations, full collections no longer walk it on every page
# (docs/benchmarks.md, "the grid's cells drawn in Python").
gc.freeze()

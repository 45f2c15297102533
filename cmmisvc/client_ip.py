"""The client's address, also behind reverse proxies (issue 13, point 8).

Sign-in throttling (django-axes) and the audit log key on it. With TRUSTED_PROXY_COUNT = 0 (the
default) it is REMOTE_ADDR and X-Forwarded-For is ignored: anyone can send that header. Behind N
proxies that each append the address they saw to X-Forwarded-For, the client is the N-th entry
from the right; entries further left were written by the client and are not trusted.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote

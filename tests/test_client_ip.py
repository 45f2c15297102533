"""Sign-in throttling behind a proxy keys on the client, not on the proxy or a spoofed header
(issue 13, point 8)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from cmmisvc.client_ip import client_ip
from tests.conftest import PASSWORD

PROXY = "10.0.0.9"


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def sign_in(client, username: str, password: str, remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def locked(response) -> bool:
    return response.status_code == 429 or b"locked" in response.content.lower()


def test_without_trusted_proxies_a_forwarded_header_is_ignored(client, lead, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(3):
        sign_in(client, "lea", "wrong", "203.0.113.7", forwarded=f"198.51.100.{n}")
    # A new spoofed address does not escape the lock on the real one.
    assert locked(sign_in(client, "lea", PASSWORD, "203.0.113.7", forwarded="198.51.100.99"))
    # Another client is not locked out of the account.
    assert sign_in(client, "lea", PASSWORD, "203.0.113.8").status_code == 302


def test_behind_one_proxy_the_client_is_locked_not_the_proxy(client, lead, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        # The attacker also sends a forged header; the proxy appends the address it saw.
        sign_in(client, "lea", "wrong", PROXY, forwarded="192.0.2.1, 203.0.113.66")
    assert locked(sign_in(client, "lea", PASSWORD, PROXY, forwarded="203.0.113.66"))
    # The real user comes through the same proxy from another address and gets in.
    assert sign_in(client, "lea", PASSWORD, PROXY, forwarded="198.51.100.5").status_code == 302


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.9"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.8", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.9"),  # fewer entries than proxies
        (1, "not-an-address", "10.0.0.9"),
        (1, "", "10.0.0.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected

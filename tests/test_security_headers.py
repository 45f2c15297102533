"""Security headers on every response (issue 13, point 9)."""

from __future__ import annotations

from django.urls import reverse


def test_pages_carry_csp_and_permissions_policy(client, viewer):
    client.force_login(viewer)
    for url in (reverse("login"), reverse("models_catalog:index")):
        response = client.get(url, follow=True)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert "microphone=()" in response["Permissions-Policy"]


def test_the_csrf_cookie_is_http_only_and_the_token_is_in_the_page(client):
    response = client.get(reverse("login"))
    assert response.cookies["csrftoken"]["httponly"] is True


def test_htmx_gets_the_token_from_the_page(client, viewer):
    client.force_login(viewer)
    text = client.get(reverse("models_catalog:index")).content.decode()
    assert '<body hx-headers=\'{"X-CSRFToken": "' in text
    assert "<script>" not in text and " style=" not in text

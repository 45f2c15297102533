"""Placeholder module replaced as views land."""

urlpatterns: list = []

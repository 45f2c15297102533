"""URLs of the evidence app (evidence/README.md lists them with their roles)."""

from evidence import views, views_piid

app_name = "evidence"
urlpatterns = [*views.urlpatterns, *views_piid.urlpatterns]

"""URLs of the assessments app; each views module lists its own patterns."""

from assessments.views import appraisals, exchange, findings, organisations, rating, results

app_name = "assessments"
urlpatterns = [
    *organisations.urlpatterns,
    *appraisals.urlpatterns,
    *rating.urlpatterns,
    *findings.urlpatterns,
    *results.urlpatterns,
    *exchange.urlpatterns,
]

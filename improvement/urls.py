"""URLs of the improvement app; each views module lists its own patterns."""

from improvement.views import actions, cycle, plan

app_name = "improvement"
urlpatterns = [*plan.urlpatterns, *actions.urlpatterns, *cycle.urlpatterns]

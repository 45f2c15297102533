from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [path("a/<uuid:code>/report/", views.findings, name="findings")]

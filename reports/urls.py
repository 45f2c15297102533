from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("a/<uuid:code>/report/", views.findings, name="findings"),
    path("a/<uuid:code>/report.pdf", views.findings_pdf, name="findings_pdf"),
    path("a/<uuid:code>/report.xlsx", views.findings_xlsx, name="findings_xlsx"),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from assessments.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        login_not_required(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("catalog/", include("models_catalog.urls")),
    path("", include("assessments.urls")),
    path("", include("reports.urls")),
    path("", include("improvement.urls")),
]

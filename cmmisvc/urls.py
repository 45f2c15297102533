from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.decorators.http import require_http_methods

from assessments.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path(
        "accounts/login/",
        login_not_required(
            # FormView takes PUT as POST, and a signed-in user is redirected before the method
            # is looked at: only the methods a sign-in form uses, checked first.
            require_http_methods(["GET", "HEAD", "POST"])(
                auth_views.LoginView.as_view(redirect_authenticated_user=True)
            )
        ),
        name="login",
    ),
    path(
        "accounts/logout/",
        auth_views.LogoutView.as_view(http_method_names=["post"]),
        name="logout",
    ),
    path("admin/", admin.site.urls),
    path("catalog/", include("models_catalog.urls")),
    path("", include("assessments.urls")),
    path("", include("reports.urls")),
    path("", include("evidence.urls")),
    path("", include("audit.urls")),
    path("", include("improvement.urls")),
]

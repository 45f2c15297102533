from django.urls import path

from models_catalog import views

app_name = "models_catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:slug>/", views.constellation, name="constellation"),
    path("<str:slug>/itsm/", views.itsm, name="itsm"),
    path("<str:slug>/variants/<slug:variant>/", views.variant, name="variant"),
    path("<str:slug>/pa/<str:acronym>/", views.process_area, name="process_area"),
    path("<str:slug>/compare/", views.compare_index, name="compare_index"),
    path(
        "<str:slug>/compare/<str:acronym>/<str:other>/<str:other_acronym>/",
        views.compare,
        name="compare",
    ),
]
